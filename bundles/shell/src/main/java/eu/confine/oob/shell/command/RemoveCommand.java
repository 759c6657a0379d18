package eu.confine.oob.shell.command;

import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRequest;

/** {@code oob:remove}: posts REMOVED for one or more slivers at once and waits until each is CLEANED or FAILED. */
@Service
@Command(scope = "oob", name = "remove",
        description = "Takes slivers' out-of-band access away (unmount, then user, group and home) as the node's REMOVED events"
                + " would, posted all at once, and waits for the outcomes. The slivers' own data is never touched.")
public class RemoveCommand extends OutcomeCommand {

    @Argument(index = 0, name = "slice-id", required = true, multiValued = true,
            description = "The slice ids of deployed slivers")
    @Completion(SliceIdCompleter.class)
    List<String> sliceIds;

    @Override
    public Object execute() throws Exception {
        request(SliverEvents.REMOVED, sliceIds(sliceIds), id -> Map.of(), SliverRequest::sliceOnly, SliverEvents.SLIVER_CLEANED);
        return null;
    }
}
