package dev.flowmeter.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Debian's {@code wrk} as the load generator (its own process, two threads) and reads its summary: requests per
 * second, the 99th percentile of latency and how many answers were not 2xx.
 */
final class Wrk {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\n\\s+99%\\s+([0-9.]+)(us|ms|s)\\b");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), "
            + "timeout (\\d+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    private Wrk() {
    }

    /** What one run of wrk measured. */
    record Result(double requestsPerSecond, double p99Millis, long requests, long non2xx, long socketErrors,
            String output) {

        /** Requests answered 2xx; wrk counts a request once its answer is read. */
        long acknowledged() {
            return requests - non2xx;
        }
    }

    /**
     * @param script a wrk Lua script, or null for plain GETs of {@code url}
     * @param args   the script's own arguments, after {@code --}
     */
    static Result run(int threads, int connections, int seconds, Path script, String url, List<String> args,
            Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds
                + "s", "--latency", "--timeout", "10s"));
        if (script != null) {
            command.add("-s");
            command.add(script.toString());
        }
        command.add(url);
        if (!args.isEmpty()) {
            command.add("--");
            command.addAll(args);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = process.waitFor();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (exit != 0) {
            throw new IllegalStateException("wrk exited with " + exit + ":\n" + output);
        }
        return parse(output);
    }

    static Result parse(String output) {
        Matcher rate = RATE.matcher(output);
        Matcher p99 = P99.matcher(output);
        Matcher requests = REQUESTS.matcher(output);
        if (!rate.find() || !p99.find() || !requests.find()) {
            throw new IllegalStateException("cannot read wrk's summary:\n" + output);
        }
        double latency = Double.parseDouble(p99.group(1));
        double millis = switch (p99.group(2).toLowerCase(Locale.ROOT)) {
            case "us" -> latency / 1000;
            case "s" -> latency * 1000;
            default -> latency;
        };
        Matcher non2xx = NON_2XX.matcher(output);
        Matcher errors = ERRORS.matcher(output);
        long socketErrors = 0;
        if (errors.find()) {
            for (int group = 1; group <= 4; group++) {
                socketErrors += Long.parseLong(errors.group(group));
            }
        }
        return new Result(Double.parseDouble(rate.group(1)), millis, Long.parseLong(requests.group(1)),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors, output);
    }
}
