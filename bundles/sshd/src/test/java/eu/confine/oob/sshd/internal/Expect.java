package eu.confine.oob.sshd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small expect: everything a process printed so far (read by a thread of its own), waited on with deadlines. */
final class Expect {

    private final StringBuilder text = new StringBuilder();
    private final OutputStream input;
    private boolean ended;

    Expect(InputStream output, OutputStream input) {
        this.input = input;
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try (output) {
                for (int n; (n = output.read(buffer)) > 0; ) {
                    append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The stream ends with the process (a terminal reports EIO); the transcript keeps what came.
            } finally {
                end();
            }
        }, "expect-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until the text appears after position {@code from}; returns where it ends. */
    synchronized int await(String expected, int from, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int at;
        while ((at = text.indexOf(expected, from)) < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new AssertionError("no '" + expected + "' within " + limit + (ended ? " (output ended)" : "")
                        + "; got: " + text.substring(Math.min(from, text.length())));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return at + expected.length();
    }

    /** Whether the text appears after {@code from} within the limit, without failing. */
    boolean appears(String expected, int from, Duration limit) throws InterruptedException {
        try {
            await(expected, from, limit);
            return true;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    void send(String keys) throws IOException {
        input.write(keys.getBytes(StandardCharsets.UTF_8));
        input.flush();
    }

    synchronized String text() {
        return text.toString();
    }

    synchronized int length() {
        return text.length();
    }

    private synchronized void append(String chunk) {
        text.append(chunk);
        notifyAll();
    }

    private synchronized void end() {
        ended = true;
        notifyAll();
    }
}
