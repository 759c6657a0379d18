package eu.confine.oob.registry.internal;

import java.time.Duration;

/** Durations as people read them: {@code 45 s}, {@code 12 min 5 s}, {@code 3 h 20 min}, {@code 2 d 4 h}. */
final class Durations {

    private Durations() {
    }

    static String text(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }
}
