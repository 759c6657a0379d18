package eu.confine.oob.shell.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SshFrontEnd;

/** {@code oob:kick}: closes one SSH session, or every session of a slice. */
@Service
@Command(scope = "oob", name = "kick",
        description = "Closes one session of the SSH front end (its id from oob:sessions), or with --slice every session "
                + "of a slice. The client is disconnected and its processes in the sliver end.")
public class KickCommand implements Action {

    @Argument(index = 0, name = "session-id", required = false, description = "The id of an open session (see oob:sessions)")
    Long sessionId;

    @Option(name = "--slice", description = "Close every session of this slice instead")
    @Completion(SliceIdCompleter.class)
    String sliceId;

    @Reference(optional = true)
    SshFrontEnd frontEnd;

    @Override
    public Object execute() throws Exception {
        System.out.println(kick(SessionsCommand.requireRunning(frontEnd)));
        return null;
    }

    /** Closes what was asked for and says what was closed. */
    String kick(SshFrontEnd running) {
        if ((sessionId == null) == (sliceId == null)) {
            throw new IllegalArgumentException("give either a session id or --slice SLICE_ID");
        }
        if (sliceId != null) {
            SliceId id = SliceId.of(sliceId);
            int closed = running.kickSlice(id);
            return "slice " + id + ": " + closed + " session(s) closed";
        }
        if (!running.kick(sessionId)) {
            throw new IllegalArgumentException("there is no open session " + sessionId + " (see oob:sessions)");
        }
        return "session " + sessionId + " closed";
    }
}
