package eu.confine.oob.registry.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.event.Event;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;

/**
 * One lifecycle event the node needs to follow the registry.
 *
 * @param topic     {@link SliverEvents#DEPLOYED}, {@link SliverEvents#KEYS_CHANGED} or {@link SliverEvents#REMOVED}
 * @param sliceId   the slice
 * @param container the container (deployments only, else empty)
 * @param keys      the admin key lines (deployments and key changes, else empty)
 * @param why       one line for the log and the operator
 */
record Change(String topic, SliceId sliceId, String container, List<String> keys, String why) {

    Change {
        keys = List.copyOf(keys);
    }

    static Change deploy(DesiredSliver sliver) {
        return new Change(SliverEvents.DEPLOYED, sliver.sliceId(), sliver.container(), sliver.keys(),
                "in the registry, not deployed here");
    }

    static Change keys(DesiredSliver sliver, String why) {
        return new Change(SliverEvents.KEYS_CHANGED, sliver.sliceId(), "", sliver.keys(), why);
    }

    static Change remove(SliceId sliceId, String why) {
        return new Change(SliverEvents.REMOVED, sliceId, "", List.of(), why);
    }

    /** Whether the other change asks for the same thing (the reason aside; key order aside). */
    boolean sameRequest(Change other) {
        return topic.equals(other.topic) && sliceId.equals(other.sliceId) && container.equals(other.container)
                && Set.copyOf(keys).equals(Set.copyOf(other.keys));
    }

    /** The event to post, with this request id. */
    Event event(String requestId) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SliverEvents.SLICE_ID, sliceId.value());
        properties.put(SliverEvents.REQUEST_ID, requestId);
        if (!topic.equals(SliverEvents.REMOVED)) {
            properties.put(SliverEvents.ADMIN_KEYS, keys.toArray(new String[0]));
        }
        if (topic.equals(SliverEvents.DEPLOYED)) {
            properties.put(SliverEvents.CONTAINER, container);
        }
        return new Event(topic, properties);
    }

    @Override
    public String toString() {
        String what = topic.substring(topic.lastIndexOf('/') + 1);
        return what + " slice " + sliceId + (keys.isEmpty() ? "" : " (" + keys.size() + " key" + (keys.size() == 1 ? ")" : "s)")) + ": " + why;
    }
}
