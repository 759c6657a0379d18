package eu.confine.oob.shell.command;

import java.io.PrintStream;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SshFrontEnd;

/** {@code oob:status}: where the SSH front end listens, its host keys and its counters. */
@Service
@Command(scope = "oob", name = "status",
        description = "Shows the SSH front end's listen address, its host key fingerprints (for the admins' known_hosts), "
                + "the sessions open now and the logins accepted and refused since it started.")
public class StatusCommand implements Action {

    @Reference(optional = true)
    SshFrontEnd frontEnd;

    @Override
    public Object execute() throws Exception {
        print(SessionsCommand.requireRunning(frontEnd).status(), System.out);
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

    private static void line(PrintStream out, String name, String value) {
        out.printf("%-10s %s%n", name + ":", value);
    }
}
