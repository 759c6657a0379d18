package eu.confine.oob.shell.command;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SshFrontEnd;

/** {@code oob:sessions}: the SSH front end's open sessions, all or one slice's. */
@Service
@Command(scope = "oob", name = "sessions",
        description = "Lists the open sessions of the SSH front end (all, or one slice's): id, slice, client address, "
                + "key fingerprint, type (console, exec, sftp, scp), start time and bytes in and out.")
public class SessionsCommand implements Action {

    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    @Argument(index = 0, name = "slice-id", required = false, description = "Only the sessions of this slice")
    @Completion(SliceIdCompleter.class)
    String sliceId;

    @Reference(optional = true)
    SshFrontEnd frontEnd;

    @Override
    public Object execute() throws Exception {
        SshFrontEnd running = requireRunning(frontEnd);
        String only = sliceId == null ? null : SliceId.of(sliceId).value();
        table(running.sessions().stream().filter(session -> only == null || only.equals(session.sliceId())).toList())
                .print(System.out);
        return null;
    }

    /** The table of these sessions. */
    static ShellTable table(List<SshFrontEnd.Session> sessions) {
        ShellTable table = new ShellTable();
        table.column("Id").alignRight();
        table.column("Slice");
        table.column("Source");
        table.column("Key");
        table.column("Type");
        table.column("Started");
        table.column("Bytes in").alignRight();
        table.column("Bytes out").alignRight();
        sessions.forEach(session -> table.addRow().addContent(session.id(), session.sliceId(), session.source(),
                session.keyFingerprint(), session.type(), STARTED.format(session.started()), session.bytesIn(), session.bytesOut()));
        return table;
    }

    /** The front end, or a one-line error saying it is not running. */
    static SshFrontEnd requireRunning(SshFrontEnd frontEnd) {
        if (frontEnd == null) {
            throw new IllegalStateException("the SSH front end is not running (bundle eu.confine.oob.sshd inactive, "
                    + "or its configuration eu.confine.oob.sshd invalid: see the log)");
        }
        return frontEnd;
    }
}
