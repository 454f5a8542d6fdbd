package dev.flowmeter.ingest.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.events.EventJson;
import dev.flowmeter.events.FieldError;
import dev.flowmeter.ingest.http.Rejected;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns webhook payload values into event fields, with a 400 naming the payload's field for anything unusable. The
 * sources that bind their payloads to DTOs share these rules, so that a commit id, a timestamp or a service name is
 * accepted, and refused with the same words, whichever tool sent it.
 */
public final class PayloadFields {

    /** The problem recorded for a commit id that is not a full one. */
    public static final String FULL_SHA_RULE = "must be a full commit id: 40 or 64 hexadecimal characters";
    /** The problem recorded for an issue number that cannot name a work item ({@link #issueKey}). */
    public static final String ISSUE_NUMBER_RULE = "must be an issue number of 1-18 digits";

    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    private static final Pattern ZEROS = Pattern.compile("0+");
    private static final Pattern NOT_IN_SERVICE = Pattern.compile("[^A-Za-z0-9._/-]+");
    private static final Pattern TRIM_DASHES = Pattern.compile("^-+|-+$");
    private static final Pattern NOT_IN_BRANCH = Pattern.compile("[^A-Za-z0-9._/+-]");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/+-]{1,200}");
    private static final Pattern ISSUE_NUMBER = Pattern.compile("[0-9]{1,18}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}+");
    private static final Pattern URL = Pattern.compile("https?://[^\\s\\p{Cc}]+");
    private static final String HEADS = "refs/heads/";
    private static final int MAX_BRANCH_LENGTH = 200;

    private PayloadFields() {
    }

    /**
     * Binds the part of the payload at {@code prefix} (a dotted path, "" for the whole body) to a DTO; a value of the
     * wrong JSON type is a 400 naming where it sits and saying it is not what {@code vendor} sends.
     */
    public static <T> T read(JsonNode json, Class<T> type, String vendor, String prefix) {
        return bind(json, type, vendor, "the payload", prefix);
    }

    /**
     * Binds a whole payload to a DTO, for sources whose payload shape depends on the event: the 400 for a value of
     * the wrong JSON type names the event ({@code "the pr:opened payload's ..."}) as well as the field.
     */
    public static <T> T readEvent(JsonNode json, Class<T> type, String vendor, String event) {
        return bind(json, type, vendor, "the " + event + " payload", "");
    }

    public static <T> T required(T value, String field) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw Rejected.invalidPayload("the payload has no " + field, List.of(new FieldError(field, "is required")));
        }
        return value;
    }

    /** A timestamp in a format {@link Timestamps} reads, within the times an event may have, or a 400. */
    public static Instant time(String text, String field) {
        return Timestamps.eventTime(Timestamps.parse(required(text, field)).orElseThrow(() -> Rejected.invalidPayload(
                "the payload's " + field + " is not a timestamp",
                List.of(new FieldError(field, "is not a timestamp Flowmeter can read")))), field);
    }

    /** Epoch milliseconds, within the times an event may have, or a 400. */
    public static Instant epochMillis(Long millis, String field) {
        return Timestamps.eventTime(Instant.ofEpochMilli(required(millis, field)), field);
    }

    /** A full commit id in lower case, or a 400: lead time can only follow full ids. */
    public static String sha(String text, String field) {
        if (!isFullSha(required(text, field))) {
            throw Rejected.invalidPayload("the payload's " + field + " is not a full commit id",
                    List.of(new FieldError(field, FULL_SHA_RULE)));
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /** Whether the text is a full commit id: 40 (SHA-1) or 64 (SHA-256) hexadecimal characters, in any case. */
    public static boolean isFullSha(String text) {
        return text != null && FULL_SHA.matcher(text).matches();
    }

    /** The all-zero id git uses for "no commit": the old side of a created branch, the new side of a deleted one. */
    public static boolean isNoCommit(String text) {
        return text != null && ZEROS.matcher(text).matches();
    }

    /**
     * The service for a repository: renamed by the service map, else the name itself made fit for a service by
     * {@link #serviceName}; a name with nothing left is a 400 on the payload's {@code repository}.
     */
    public static String repositoryService(ServiceMap services, String repository) {
        return serviceName(services.service(repository), "repository name '" + repository + "'", "repository");
    }

    /**
     * A name made fit for a service: every run of characters a service name cannot hold (spaces, brackets, ...)
     * becomes '-', no '-' is left at either end, and it is cut to the longest service name. A name with no letter or
     * digit is a 400 on {@code field}, whose detail describes the name as {@code "the " + described}.
     */
    public static String serviceName(String name, String described, String field) {
        String service = TRIM_DASHES.matcher(NOT_IN_SERVICE.matcher(name).replaceAll("-")).replaceAll("");
        if (service.isEmpty()) {
            throw Rejected.invalidPayload("the " + described + " has no letter or digit to name a service by; map it "
                    + "in FLOWMETER_SERVICE_MAP", List.of(new FieldError(field, "has no letter or digit")));
        }
        return service.length() <= EventJson.MAX_SERVICE_LENGTH
                ? service : service.substring(0, EventJson.MAX_SERVICE_LENGTH);
    }

    /**
     * The branch a change targets, as the event contract spells branches: a leading {@code refs/heads/} dropped (Azure
     * DevOps and Bitbucket Data Center send full ref names), every other character than letters, digits, '.', '_',
     * '/', '+' and '-' replaced by '-', cut to 200 characters. A missing or empty branch is a 400 on {@code field}.
     */
    public static String branch(String ref, String field) {
        String branch = required(ref, field).strip();
        if (branch.startsWith(HEADS) && branch.length() > HEADS.length()) {
            branch = branch.substring(HEADS.length());
        }
        branch = NOT_IN_BRANCH.matcher(branch).replaceAll("-");
        return branch.length() <= MAX_BRANCH_LENGTH ? branch : branch.substring(0, MAX_BRANCH_LENGTH);
    }

    /**
     * The branch a change comes from, exactly as the source names it when the event contract's branch rule allows it
     * (1-200 letters, digits, '.', '_', '/', '+' or '-'), else "". The topology reads work item keys in it, so it is
     * never rewritten as a target branch is (a rewritten name could make up a key); one that breaks the rule is left
     * out rather than refusing the whole delivery, since the change is worth recording without it.
     */
    public static String sourceBranch(String branch) {
        return branch != null && BRANCH.matcher(branch).matches() ? branch : "";
    }

    /**
     * A change's title as the contract takes it: one line (line breaks, tabs and other control characters become a
     * space), stripped, at most {@link EventJson#MAX_TITLE_LENGTH} characters; "" when the source sends none. A title
     * is only context, so an unusual one is shortened rather than refused.
     */
    public static String title(String title) {
        return line(title, EventJson.MAX_TITLE_LENGTH);
    }

    /**
     * A commit's subject as the contract takes it: the first line of its message, without control characters (a tab
     * becomes a space), stripped, cut to {@link EventJson#MAX_MESSAGE_LENGTH} characters; "" when the source sends no
     * message. The contract refuses a longer subject, but a webhook cannot be asked to send a shorter one, so it is
     * cut rather than failing the delivery.
     */
    public static String subject(String message) {
        if (message == null) {
            return "";
        }
        return line(message.lines().findFirst().orElse(""), EventJson.MAX_MESSAGE_LENGTH);
    }

    /**
     * Free text of the source as one line (control characters become a space), stripped and cut to
     * {@code maxLength} characters without splitting a character in two; "" for {@code null}. For context fields such
     * as a work item's release, which the contract limits but which are not worth refusing a delivery for.
     */
    public static String line(String text, int maxLength) {
        if (text == null) {
            return "";
        }
        String line = CONTROL.matcher(text).replaceAll(" ").strip();
        if (line.length() <= maxLength) {
            return line;
        }
        int end = maxLength;
        if (Character.isHighSurrogate(line.charAt(end - 1))) {
            end--; // never split a character in two
        }
        return line.substring(0, end).strip();
    }

    /**
     * The work item key of an issue of a repository's own tracker, {@code #<number>}, as commit subjects and branch
     * names refer to it; empty when {@code number} is not 1-18 digits, the most the contract's key holds.
     */
    public static Optional<String> issueKey(String number) {
        return number != null && ISSUE_NUMBER.matcher(number).matches() ? Optional.of("#" + number)
                : Optional.empty();
    }

    /**
     * A link to a change, when it is an absolute http or https URL of at most {@link EventJson#MAX_URL_LENGTH}
     * characters without spaces; "" otherwise. The link is only context, so one that does not fit is left out rather
     * than refused.
     */
    public static String url(String url) {
        if (url == null) {
            return "";
        }
        String link = url.strip();
        return link.length() <= EventJson.MAX_URL_LENGTH && URL.matcher(link).matches() ? link : "";
    }

    /** Where a mapping exception happened, named as the payload names it: {@code commits[3].timestamp}. */
    public static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** {@code payload} is how the detail names the payload: "the payload" or "the pr:opened payload". */
    private static <T> T bind(JsonNode json, Class<T> type, String vendor, String payload, String prefix) {
        try {
            return EventJson.MAPPER.treeToValue(json, type);
        } catch (JsonMappingException e) {
            String path = path(e);
            String field = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
            throw Rejected.invalidPayload(payload + "'s " + (field.isEmpty() ? "body" : field)
                    + " does not have the type " + vendor + " sends",
                    List.of(new FieldError(field, "has the wrong type")));
        } catch (JsonProcessingException e) {
            throw Rejected.invalidPayload(payload + " cannot be read",
                    List.of(new FieldError(prefix, "cannot be read")));
        }
    }
}
