package eu.confine.oob.lxc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Everything a process printed so far, read by a thread of its own; tests wait for text to appear. */
final class Transcript {

    private final StringBuilder text = new StringBuilder();

    Transcript(InputStream stream) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try (stream) {
                for (int n; (n = stream.read(buffer)) > 0; ) {
                    synchronized (this) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // The stream ends with the process (a pty reports EIO); the transcript keeps what came.
            }
        }, "transcript");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until the text appears after position {@code from}; returns where it ends. */
    synchronized int await(String expected, int from, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int at;
        while ((at = text.indexOf(expected, from)) < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no '" + expected + "' within " + limit + "; got: " + text.substring(from));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return at + expected.length();
    }

    synchronized String text() {
        return text.toString();
    }
}
