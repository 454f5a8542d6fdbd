package dev.flowmeter.api.gitimport;

import dev.flowmeter.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what {@link GitHistory} reads into events of the events API. Ids are derived from the repository alone, so a
 * second import sends the same ids and the server drops them as redeliveries: {@code git:<service>:<sha>} for a
 * commit and {@code git-tag:<service>:<environment>:<tag>} for a deployment (the environment in it, so importing the
 * same tags once per environment they went to makes one deployment for each).
 */
final class EventMapper {

    /** Parents per commit event: the API's limit. */
    static final int MAX_PARENTS = EventJson.MAX_PARENTS;
    static final int MAX_ID_LENGTH = EventJson.MAX_ID_LENGTH;
    /** What a shortened id ends with: {@code ~} and 16 hex digits (64 bits) of the SHA-256 of the whole id. */
    private static final int HASH_SUFFIX_LENGTH = 17;
    /** RFC 3339: always with seconds (unlike {@link OffsetDateTime#toString()}) and with the source's own offset. */
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final String service;
    private final String environment;

    EventMapper(String service, String environment) {
        this.service = service;
        this.environment = environment;
    }

    /**
     * The commit event, dated at the committer date. A commit with more than {@link #MAX_PARENTS} parents (an
     * octopus merge of that size) becomes one event per hundred parents, in git's order, with the same sha and
     * time: the server adds the parents of repeated reports of one sha together, so no link is lost. The first
     * event's id is the plain one; the others end in {@code :2}, {@code :3}, ...
     */
    List<Map<String, Object>> commit(GitCommit commit) {
        List<String> parents = commit.parents();
        int events = Math.max(1, (parents.size() + MAX_PARENTS - 1) / MAX_PARENTS);
        List<Map<String, Object>> out = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            String sha = commit.sha();
            Map<String, Object> event = common(id("git", service, i == 0 ? sha : sha + ":" + (i + 1)), "commit",
                    commit.time());
            event.put("sha", sha);
            event.put("parents", List.copyOf(parents.subList(i * MAX_PARENTS,
                    Math.min(parents.size(), (i + 1) * MAX_PARENTS))));
            out.add(event);
        }
        return out;
    }

    /**
     * A successful deployment of the tagged commit, at the tag's date. It names no commits: the server derives what
     * the deployment ships from the history, as for any deployment without a list.
     */
    Map<String, Object> deployment(GitTag tag) {
        Map<String, Object> event = common(id("git-tag", service, environment + ":" + tag.name()), "deployment",
                tag.time());
        event.put("environment", environment);
        event.put("sha", tag.sha());
        event.put("status", "success");
        return event;
    }

    private Map<String, Object> common(String id, String type, OffsetDateTime time) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("type", type);
        event.put("time", RFC_3339.format(time));
        event.put("service", service);
        return event;
    }

    /**
     * {@code prefix:service:name}, or, when that is longer than the API's 200 characters (a long service or tag
     * name), its first 183 characters followed by {@code ~} and a hash of the whole: the same every run, and still
     * distinct for distinct names.
     */
    static String id(String prefix, String service, String name) {
        String full = prefix + ":" + service + ":" + name;
        if (full.length() <= MAX_ID_LENGTH) {
            return full;
        }
        int keep = MAX_ID_LENGTH - HASH_SUFFIX_LENGTH;
        if (Character.isHighSurrogate(full.charAt(keep - 1))) {
            keep--; // never split a character outside the BMP in two
        }
        return full.substring(0, keep) + "~" + HexFormat.of().formatHex(sha256(full), 0, 8);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
