package dev.flowmeter.api.cli;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how far a long send has come: a progress bar (the progressbar library) on a terminal, plain lines at every
 * tenth of the way and at the end otherwise (a log file, CI, a pipe), so output stays readable wherever it goes.
 */
public final class Progress implements AutoCloseable {

    private final String task;
    private final long total;
    private final ProgressBar bar;
    private final PrintStream lines;
    private long done;
    private long nextLineAt;

    private Progress(String task, long total, ProgressBar bar, PrintStream lines) {
        this.task = task;
        this.total = total;
        this.bar = bar;
        this.lines = lines;
        this.nextLineAt = total / 10;
    }

    /**
     * @param total the amount of work, or -1 when it is not known beforehand (then the bar counts without a
     *     percentage, and plain lines come every 10,000 units)
     */
    public static Progress start(String task, long total, String unit) {
        if (System.console() != null) {
            ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" " + unit, 1).setUpdateIntervalMillis(200)
                    .setMaxRenderedLength(100).showSpeed().build();
            return new Progress(task, total, bar, null);
        }
        return new Progress(task, total, null, System.out);
    }

    /** Adds {@code n} units done. */
    public void step(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        long every = total > 0 ? Math.max(1, total / 10) : 10_000;
        if (nextLineAt <= 0) {
            nextLineAt = every;
        }
        if (done >= nextLineAt) {
            lines.println(task + ": " + done + (total > 0 ? " of " + total + " (" + (100 * done / total) + "%)" : ""));
            nextLineAt = done - (done % every) + every;
        }
    }

    /** Work done so far. */
    public long done() {
        return done;
    }

    /** Ends the bar, or prints the last line. */
    public void finish(Duration took) {
        if (bar != null) {
            bar.close();
        }
        PrintStream out = lines != null ? lines : System.out;
        out.println(task + ": " + done + " done in " + took.toMillis() + " ms");
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
