package eu.confine.oob.shell.command;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRequest;

/** {@code oob:deploy}: posts DEPLOYED for one or more slivers at once and waits until each is READY or FAILED. */
@Service
@Command(scope = "oob", name = "deploy",
        description = "Gives slivers out-of-band access (user, keys, tmp mount) as the node's DEPLOYED events would, posted all at once,"
                + " and waits for the outcomes. Every listed sliver gets the same admin keys.")
public class DeployCommand extends AdminKeysCommand {

    @Argument(index = 0, name = "slice-id", required = true, multiValued = true,
            description = "The slice ids, e.g. 0123456789ab; several are deployed in one burst")
    List<String> sliceIds;

    @Option(name = "--container", description = "LXC container of the slivers (default: each one's slice id)")
    String container;

    @Option(name = "--tmp", description = "Absolute host path of the sliver's /tmp (default: the container's rootfs /tmp);"
            + " only with a single slice id")
    String tmp;

    @Override
    public Object execute() throws Exception {
        List<SliceId> ids = sliceIds(sliceIds);
        if (tmp != null && ids.size() > 1) {
            throw new IllegalArgumentException("--tmp names one sliver's /tmp: give it with a single slice id, not " + ids.size()
                    + "; nothing was posted");
        }
        request(SliverEvents.DEPLOYED, ids, this::eventProperties, SliverRequest::deployed, SliverEvents.SLIVER_READY);
        return null;
    }

    /** The DEPLOYED properties besides slice and request id. */
    Map<String, Object> eventProperties(SliceId id) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SliverEvents.ADMIN_KEYS, adminKeys(id));
        if (container != null) {
            properties.put(SliverEvents.CONTAINER, container);
        }
        if (tmp != null) {
            properties.put(SliverEvents.TMP, tmp);
        }
        return properties;
    }
}
