package eu.confine.oob.shell.command;

import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRequest;

/** {@code oob:keys}: posts KEYS_CHANGED for a sliver and waits until it is READY or FAILED. */
@Service
@Command(scope = "oob", name = "keys",
        description = "Replaces a sliver's admin keys as the node's KEYS_CHANGED event would, and waits for the outcome.")
public class KeysCommand extends AdminKeysCommand {

    @Argument(index = 0, name = "slice-id", required = true, description = "The slice id of a deployed sliver")
    @Completion(SliceIdCompleter.class)
    String sliceId;

    @Override
    public Object execute() throws Exception {
        SliceId id = SliceId.of(sliceId);
        Map<String, Object> properties = Map.of(SliverEvents.ADMIN_KEYS, adminKeys(id));
        request(SliverEvents.KEYS_CHANGED, List.of(id), slice -> properties, SliverRequest::keysChanged, SliverEvents.SLIVER_READY);
        return null;
    }
}
