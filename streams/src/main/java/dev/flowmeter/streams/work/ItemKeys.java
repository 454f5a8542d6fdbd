package dev.flowmeter.streams.work;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds the work items a commit subject, a branch name or a change title names: the tracker's keys
 * ({@code FLOWMETER_WORK_ITEM_PATTERN}, Jira's {@code PAY-123} by default) and {@code #42}, an issue of the same
 * repository on GitHub or GitLab. A key counts only as a whole word: {@code XPAY-1} is not {@code PAY-1}, and
 * {@code #42} inside {@code abc#42} or {@code &#42;} is not an issue.
 */
public final class ItemKeys {

    /** Jira's project key, a dash and the issue number. */
    public static final String DEFAULT_PATTERN = "[A-Z][A-Z0-9]+-\\d+";

    private static final Pattern ISSUE = Pattern.compile("(?<![A-Za-z0-9&#])#(\\d{1,18})(?![A-Za-z0-9])");

    private final Pattern keys;
    private final String source;

    private ItemKeys(Pattern keys, String source) {
        this.keys = keys;
        this.source = source;
    }

    /** The default: Jira-style keys and {@code #n}. */
    public static ItemKeys defaults() {
        return of(DEFAULT_PATTERN);
    }

    /** Keys matching {@code regex} (as whole words) and {@code #n}; throws when {@code regex} does not compile. */
    public static ItemKeys of(String regex) {
        Objects.requireNonNull(regex, "regex");
        try {
            return new ItemKeys(Pattern.compile("(?<![A-Za-z0-9])(?:" + regex + ")(?![A-Za-z0-9])"), regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a regular expression: " + e.getDescription(), e);
        }
    }

    /** The regular expression of the tracker's keys, as given. */
    public String pattern() {
        return source;
    }

    /**
     * The items a commit or change belongs to: {@code explicit} when the source named any (explicit items win),
     * otherwise every key found in {@code texts}, in order of appearance, without repeats.
     */
    public List<String> of(List<String> explicit, String... texts) {
        if (!explicit.isEmpty()) {
            return List.copyOf(explicit);
        }
        Set<String> found = new LinkedHashSet<>();
        for (String text : texts) {
            found.addAll(find(text));
        }
        return List.copyOf(found);
    }

    /** Every key in {@code text}, in order of appearance, without repeats. */
    public List<String> find(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        Set<String> found = new LinkedHashSet<>();
        // Tracker keys and issues, merged in the order they appear in the text.
        Matcher key = keys.matcher(text);
        Matcher issue = ISSUE.matcher(text);
        boolean moreKeys = key.find();
        boolean moreIssues = issue.find();
        while (moreKeys || moreIssues) {
            if (moreKeys && (!moreIssues || key.start() <= issue.start())) {
                found.add(key.group());
                moreKeys = key.find();
            } else {
                found.add(issue.group());
                moreIssues = issue.find();
            }
        }
        return List.copyOf(found);
    }
}
