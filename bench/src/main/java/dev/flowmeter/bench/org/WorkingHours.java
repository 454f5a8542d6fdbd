package dev.flowmeter.bench.org;

/**
 * A team's office hours, Monday to Friday 09:00 to 18:00 at its UTC offset. People open, review, approve and test
 * changes only then, so waits at human gates stretch over nights and weekends as they do in a real organisation;
 * machines (CI, builds, automated deployments, incidents) ignore it.
 */
final class WorkingHours {

    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    private static final long OPENS = 9 * HOUR;
    private static final long CLOSES = 18 * HOUR;
    /** 1970-01-01 was a Thursday: day 0 is weekday 3 when Monday is 0. */
    private static final int EPOCH_WEEKDAY = 3;

    private final long offsetMillis;

    WorkingHours(int utcOffsetHours) {
        this.offsetMillis = utcOffsetHours * HOUR;
    }

    /** {@code millis} of working time after {@code from}: the clock stops outside office hours. */
    long after(long from, long millis) {
        long local = from + offsetMillis;
        long remaining = Math.max(0, millis);
        while (true) {
            local = openAtOrAfter(local);
            long closes = Math.floorDiv(local, DAY) * DAY + CLOSES;
            if (local + remaining <= closes) {
                return local + remaining - offsetMillis;
            }
            remaining -= closes - local;
            local = closes;
        }
    }

    /** The next moment at or after {@code local} (local time) that is within office hours. */
    private static long openAtOrAfter(long local) {
        long day = Math.floorDiv(local, DAY);
        long timeOfDay = local - day * DAY;
        if (isWorkday(day) && timeOfDay >= OPENS && timeOfDay < CLOSES) {
            return local;
        }
        if (!isWorkday(day) || timeOfDay >= CLOSES) {
            day++;
        }
        while (!isWorkday(day)) {
            day++;
        }
        return day * DAY + OPENS;
    }

    /**
     * The first moment after {@code from} that falls on one of {@code weekdays} (a bit mask, Monday = bit 0) at
     * {@code timeOfDay} local time: when a recurring release slot next comes round.
     */
    long next(long from, int weekdays, long timeOfDay) {
        long local = from + offsetMillis;
        long day = Math.floorDiv(local, DAY);
        for (int i = 0; i < 8; i++, day++) {
            long at = day * DAY + timeOfDay;
            if (at > local && (weekdays & (1 << weekday(day))) != 0) {
                return at - offsetMillis;
            }
        }
        throw new IllegalArgumentException("no weekday in mask " + weekdays);
    }

    private static boolean isWorkday(long day) {
        return weekday(day) < 5;
    }

    private static int weekday(long day) {
        return (int) Math.floorMod(day + EPOCH_WEEKDAY, 7L);
    }
}
