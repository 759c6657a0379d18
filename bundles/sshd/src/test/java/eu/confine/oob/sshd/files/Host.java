package eu.confine.oob.sshd.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs host programs for the tests (argument lists, bounded time, output captured). */
final class Host {

    private Host() {
    }

    /** What a finished program left. */
    record Result(int status, String out, String err) {
        Result check(String what) {
            if (status != 0) {
                throw new AssertionError(what + " exited " + status + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    static Result run(List<String> argv) {
        return run(argv, null, 60);
    }

    static Result run(String... argv) {
        return run(List.of(argv), null, 60);
    }

    /** Runs a program with stdin from a file (or /dev/null), killing it after the deadline (status -1 then). */
    static Result run(List<String> argv, Path stdin, int seconds) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(List.of("PATH"));
        env.put("LANG", "C");
        env.put("HOME", "/root");
        builder.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                : ProcessBuilder.Redirect.from(stdin.toFile()));
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                return new Result(-1, out.join(), err.join() + "\n(killed after " + seconds + " s)");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + argv, e);
        }
    }

    static String check(String... argv) {
        return run(argv).check(String.join(" ", argv)).out();
    }

    static List<String> argv(String... parts) {
        return new ArrayList<>(List.of(parts));
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output lost: " + e.getMessage() + ")";
            }
        }, command -> {
            Thread reader = new Thread(command, "test-output");
            reader.setDaemon(true);
            reader.start();
        });
    }
}
