package eu.confine.oob.shell.command;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.registry.RegistrySync;

/** {@code oob:registry}: how this node follows the CONFINE registry; {@code --now} syncs at once. */
@Service
@Command(scope = "oob", name = "registry", description = "Shows how this node follows the CONFINE registry: last sync and its "
        + "result, ETags, next sync, age of the node's copy and whether logins are refused; --now syncs at once.")
public class RegistryCommand implements Action {

    @Option(name = "--now", description = "Sync with the registry now and print the state after it; fails if the sync fails")
    boolean now;

    @Option(name = "--timeout", description = "Seconds to wait for the sync with --now (default 60)")
    int timeoutSeconds = 60;

    @Reference
    RegistrySync registry;

    @Override
    public Object execute() throws Exception {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        RegistrySync.Status status = now ? registry.syncNow(Duration.ofSeconds(timeoutSeconds)) : registry.status();
        print(status, System.out);
        if (now && status.consecutiveFailures() > 0) {
            throw new IllegalStateException("registry sync " + status.lastResult());
        }
        return null;
    }

    /** Writes the state, one {@code name: value} line each. */
    static void print(RegistrySync.Status status, PrintStream out) {
        if (!status.enabled()) {
            line(out, "registry", "disabled (no baseUri in etc/eu.confine.oob.registry.cfg)");
            return;
        }
        Instant at = status.at();
        line(out, "registry", status.registry());
        line(out, "last sync", when(status.lastAttempt(), at));
        line(out, "result", status.lastResult() + (status.consecutiveFailures() > 1 ? " (" + status.consecutiveFailures() + " failures in a row)" : ""));
        line(out, "last success", when(status.lastSuccess(), at));
        line(out, "resources", status.resources() + " read, " + status.notModified() + " not modified (304), "
                + status.etags() + " ETags cached");
        line(out, "next sync", when(status.nextSync(), at));
        line(out, "snapshot", status.snapshotTime().map(time -> time + ", age " + text(Duration.between(time, at))).orElse("none"));
        line(out, "staleness", status.stalenessLimit().isZero() ? "no limit (keep serving)" : "limit " + text(status.stalenessLimit()));
        line(out, "logins", status.loginsRefused() ? "REFUSED: the registry state is older than the limit" : "allowed");
        status.notes().forEach(note -> line(out, "note", note));
    }

    private static String when(Optional<Instant> time, Instant at) {
        if (time.isEmpty()) {
            return "never";
        }
        Duration delta = Duration.between(at, time.get());
        return time.get() + (delta.isNegative() ? " (" + text(delta.negated()) + " ago)" : " (in " + text(delta) + ")");
    }

    /** A duration as people read it: {@code 45 s}, {@code 12 min}, {@code 3 h 20 min}. */
    static String text(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    private static void line(PrintStream out, String name, String value) {
        out.printf("%-13s %s%n", name + ":", value);
    }
}
