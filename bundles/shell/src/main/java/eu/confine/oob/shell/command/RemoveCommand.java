package eu.confine.oob.shell.command;

import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRequest;

/** {@code oob:remove}: posts REMOVED for a sliver and waits until it is CLEANED or FAILED. */
@Service
@Command(scope = "oob", name = "remove",
        description = "Takes a sliver's out-of-band access away (unmount, then user, group and home) as the node's REMOVED event"
                + " would, and waits for the outcome. The sliver's own data is never touched.")
public class RemoveCommand extends OutcomeCommand {

    @Argument(index = 0, name = "slice-id", required = true, description = "The slice id of a deployed sliver")
    @Completion(SliceIdCompleter.class)
    String sliceId;

    @Override
    public Object execute() throws Exception {
        SliceId id = SliceId.of(sliceId);
        System.out.println(request(SliverEvents.REMOVED, id, Map.of(), SliverRequest::sliceOnly, SliverEvents.SLIVER_CLEANED));
        return null;
    }
}
