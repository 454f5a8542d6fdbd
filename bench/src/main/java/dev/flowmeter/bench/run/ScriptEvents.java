package dev.flowmeter.bench.run;

/**
 * The event mix of {@code bench/post-events.lua}, for the parts of the benchmark that write events from Java (the
 * freshness load, the reference producer's payloads): commits chained into a linear history for each of ten
 * services, and every twentieth event a deployment of the newest commit of one of them. Ids and shas are unique per
 * {@code tag}, so runs never collide.
 */
final class ScriptEvents {

    private static final int SERVICES = 10;

    private final String tag;
    private final String servicePrefix;
    private final String day;
    private final String[] last = new String[SERVICES];
    private final int shaTag;
    private long counter;

    /**
     * @param tag           makes ids unique to this generator
     * @param servicePrefix the services are this followed by 0-9
     * @param day           the events' date, {@code yyyy-mm-dd}
     * @param shaTag        makes shas unique to this generator (as the script's thread number does)
     */
    ScriptEvents(String tag, String servicePrefix, String day, int shaTag) {
        this.tag = tag;
        this.servicePrefix = servicePrefix;
        this.day = day;
        this.shaTag = shaTag;
    }

    /** The next event, as the JSON the events API takes. */
    String next() {
        long n = ++counter;
        int s = (int) (n % SERVICES);
        String service = servicePrefix + s;
        String id = tag + "-" + n;
        if (n % 20 == 0 && last[s] != null) {
            return "{\"id\":\"" + id + "\",\"type\":\"deployment\",\"time\":\"" + day + "T10:00:00Z\",\"service\":\""
                    + service + "\",\"environment\":\"production\",\"sha\":\"" + last[s] + "\",\"status\":\"success\"}";
        }
        String sha = String.format("%08x%08x%024x", shaTag, tag.length(), n);
        String parents = last[s] == null ? "" : "\"" + last[s] + "\"";
        last[s] = sha;
        return "{\"id\":\"" + id + "\",\"type\":\"commit\",\"time\":\"" + day + "T09:00:00Z\",\"service\":\""
                + service + "\",\"sha\":\"" + sha + "\",\"parents\":[" + parents + "]}";
    }
}
