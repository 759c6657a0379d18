package eu.confine.oob.shell.command;

import java.io.PrintStream;
import java.time.Duration;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SshFrontEnd;
import eu.confine.oob.api.registry.RegistrySync;

/** {@code oob:status}: where the SSH front end listens, its host keys, its counters, and how old the registry state is. */
@Service
@Command(scope = "oob", name = "status",
        description = "Shows the SSH front end's listen address, its host key fingerprints (for the admins' known_hosts), "
                + "the sessions open now, the logins accepted and refused since it started, the last registry sync and "
                + "the age of the node's copy of the registry state.")
public class StatusCommand implements Action {

    @Reference(optional = true)
    SshFrontEnd frontEnd;

    /** Optional: looked up at every run, so the registry bundle may come and go. */
    @Reference(optional = true)
    RegistrySync registry;

    @Override
    public Object execute() throws Exception {
        print(SessionsCommand.requireRunning(frontEnd).status(), System.out);
        printRegistry(registry, System.out);
        return null;
    }

    /** Writes the status, one {@code name: value} line each. */
    static void print(SshFrontEnd.Status status, PrintStream out) {
        line(out, "listening", status.listenAddress());
        status.hostKeyFingerprints().forEach(key -> line(out, "host key", key));
        line(out, "sessions", status.openSessions() + " open");
        line(out, "logins", status.authenticatedSinceStart() + " accepted, " + status.refusedSinceStart()
                + " refused since start");
    }

    /** Writes the registry follower's last sync and the age of its snapshot, or why there is none. */
    static void printRegistry(RegistrySync registry, PrintStream out) {
        if (registry == null) {
            line(out, "registry", "not running (bundle eu.confine.oob.registry inactive): logins follow the keys alone");
            return;
        }
        RegistrySync.Status status;
        try {
            status = registry.status();
        } catch (RuntimeException e) {
            line(out, "registry", "state unavailable: " + e.getMessage());
            return;
        }
        if (!status.enabled()) {
            line(out, "registry", "not followed (no baseUri in etc/eu.confine.oob.registry.cfg)");
            return;
        }
        String last = status.lastAttempt().map(time -> (status.lastResult().startsWith("ok") ? "ok " : "failed ")
                + RegistryCommand.text(Duration.between(time, status.at())) + " ago").orElse("none yet");
        if (status.consecutiveFailures() > 1) {
            last += " (" + status.consecutiveFailures() + " failures in a row)";
        }
        line(out, "registry", status.registry() + ", last sync " + last);
        Duration limit = status.stalenessLimit();
        String logins = status.loginsRefused() ? "over the limit of " + RegistryCommand.text(limit) + ": logins REFUSED"
                : limit.isZero() ? "no staleness limit" : "limit " + RegistryCommand.text(limit) + ": logins allowed";
        line(out, "snapshot", status.snapshotTime().map(time -> "age " + RegistryCommand.text(Duration.between(time, status.at()))
                + " (" + time + "), " + logins).orElse("none yet, " + logins));
    }

    private static void line(PrintStream out, String name, String value) {
        out.printf("%-10s %s%n", name + ":", value);
    }
}
