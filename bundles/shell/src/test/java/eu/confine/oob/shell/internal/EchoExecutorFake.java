package eu.confine.oob.shell.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jdk.net.UnixDomainPrincipal;

/**
 * A fake command executor with a tiny language of its own instead of Karaf: {@code echo REST}
 * prints the rest of the line as received, {@code lines N} prints N numbered lines, {@code mixed}
 * interleaves stdout and stderr, {@code fail} fails like a thrown command, {@code pwd} and
 * {@code peer} print the client's directory and user, {@code stream} prints a line and waits
 * until the client has seen it.
 */
final class EchoExecutorFake implements CommandExecutor {

    /** Counted down by the test when the client has received the first line of {@code stream}. */
    final CountDownLatch firstLineSeen = new CountDownLatch(1);

    @Override
    public int execute(String commandLine, Path directory, UnixDomainPrincipal peer, PrintStream out, PrintStream err) {
        String[] verbAndRest = commandLine.split(" ", 2);
        String rest = verbAndRest.length > 1 ? verbAndRest[1] : "";
        switch (verbAndRest[0]) {
            case "echo" -> out.println(rest);
            case "lines" -> {
                int count = Integer.parseInt(rest.replace("'", ""));
                for (int i = 1; i <= count; i++) {
                    out.println(line(i, count));
                }
            }
            case "mixed" -> {
                out.print("out 1\n");
                err.print("err 1\n");
                out.print("out 2\n");
                err.print("err 2\n");
            }
            case "fail" -> {
                out.println("partial output");
                err.println("slice demo: FAILED: " + rest);
                return 1;
            }
            case "stream" -> {
                out.println("first");
                out.println(awaitFirstLineSeen() ? "second" : "first line was not streamed");
            }
            case "pwd" -> out.println(directory);
            case "peer" -> out.println(peer.user().getName());
            default -> {
                err.println("Command not found: " + verbAndRest[0]);
                return 1;
            }
        }
        return 0;
    }

    private boolean awaitFirstLineSeen() {
        try {
            return firstLineSeen.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Line {@code i} of {@code lines count}. */
    static String line(int i, int count) {
        return "line " + i + " of " + count + " ....................................";
    }
}
