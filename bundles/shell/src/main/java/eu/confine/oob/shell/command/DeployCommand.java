package eu.confine.oob.shell.command;

import java.util.HashMap;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRequest;

/** {@code oob:deploy}: posts DEPLOYED for a sliver and waits until it is READY or FAILED. */
@Service
@Command(scope = "oob", name = "deploy",
        description = "Gives a sliver out-of-band access (user, keys, tmp mount) as the node's DEPLOYED event would, and waits for the outcome.")
public class DeployCommand extends AdminKeysCommand {

    @Argument(index = 0, name = "slice-id", required = true, description = "The slice id, e.g. 0123456789ab")
    String sliceId;

    @Option(name = "--container", description = "LXC container of the sliver (default: the slice id)")
    String container;

    @Option(name = "--tmp", description = "Absolute host path of the sliver's /tmp (default: the container's rootfs /tmp)")
    String tmp;

    @Override
    public Object execute() throws Exception {
        SliceId id = SliceId.of(sliceId);
        System.out.println(request(SliverEvents.DEPLOYED, id, eventProperties(id), SliverRequest::deployed, SliverEvents.SLIVER_READY));
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
