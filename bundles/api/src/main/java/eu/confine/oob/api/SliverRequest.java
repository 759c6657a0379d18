package eu.confine.oob.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.event.Event;

/**
 * A lifecycle request read from an event, with every property checked; building one changes nothing.
 *
 * @param sliceId   the slice
 * @param adminKeys admin key lines (empty for a removal)
 * @param container container name, the slice id unless given
 * @param tmp       explicit tmp source, if given
 * @param requestId the requester's id, copied onto the answers (may be null)
 */
public record SliverRequest(SliceId sliceId, List<String> adminKeys, String container, Optional<Path> tmp,
                            String requestId) {

    public SliverRequest {
        adminKeys = List.copyOf(adminKeys);
    }

    /** Reads a {@link SliverEvents#DEPLOYED} event. */
    public static SliverRequest deployed(Event event) {
        SliceId sliceId = sliceId(event);
        String shown = sliceId.value();
        Object container = event.getProperty(SliverEvents.CONTAINER);
        String name = container == null ? sliceId.value() : Containers.requireValidName(shown, text(shown, container, SliverEvents.CONTAINER));
        Optional<Path> tmp = Optional.empty();
        Object tmpValue = event.getProperty(SliverEvents.TMP);
        if (tmpValue != null) {
            String path = text(shown, tmpValue, SliverEvents.TMP);
            Path parsed = path.indexOf('\0') < 0 && path.startsWith("/") ? Path.of(path) : null;
            if (parsed == null || !parsed.normalize().equals(parsed)) {
                throw new InvalidSliverRequestException(shown, SliverEvents.TMP + " must be a normalised absolute path, got '" + SliceId.printable(path) + "'");
            }
            tmp = Optional.of(parsed);
        }
        return new SliverRequest(sliceId, adminKeys(event, shown), name, tmp, requestId(event));
    }

    /** Reads a {@link SliverEvents#KEYS_CHANGED} event. */
    public static SliverRequest keysChanged(Event event) {
        SliceId sliceId = sliceId(event);
        return new SliverRequest(sliceId, adminKeys(event, sliceId.value()), sliceId.value(), Optional.empty(), requestId(event));
    }

    /** Reads a {@link SliverEvents#REMOVED} event, or any event that only needs the slice id. */
    public static SliverRequest sliceOnly(Event event) {
        SliceId sliceId = sliceId(event);
        return new SliverRequest(sliceId, List.of(), sliceId.value(), Optional.empty(), requestId(event));
    }

    /** The slice id of any event, validated. */
    public static SliceId sliceId(Event event) {
        Object raw = event.getProperty(SliverEvents.SLICE_ID);
        if (raw == null) {
            throw new InvalidSliverRequestException("(none)", "event " + event.getTopic() + " has no " + SliverEvents.SLICE_ID);
        }
        if (!(raw instanceof String)) {
            throw new InvalidSliverRequestException(SliceId.printable(raw.toString()), SliverEvents.SLICE_ID + " must be a String");
        }
        return SliceId.of((String) raw);
    }

    /** The request id of any event, or null. */
    public static String requestId(Event event) {
        Object raw = event.getProperty(SliverEvents.REQUEST_ID);
        return raw == null ? null : raw.toString();
    }

    /** An answer to this request: a step or outcome event about the same slice and request. */
    public Event answer(String topic, String cause, Map<String, ?> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put(SliverEvents.SLICE_ID, sliceId.value());
        props.put(SliverEvents.CAUSE, cause);
        if (requestId != null) {
            props.put(SliverEvents.REQUEST_ID, requestId);
        }
        return new Event(topic, props);
    }

    /** A {@link SliverEvents#SLIVER_FAILED} answer to an event that may not even have a valid slice id. */
    public static Event failure(Event cause, String reason) {
        Map<String, Object> props = new HashMap<>();
        Object raw = cause.getProperty(SliverEvents.SLICE_ID);
        props.put(SliverEvents.SLICE_ID, raw == null ? "" : raw.toString());
        props.put(SliverEvents.CAUSE, cause.getTopic());
        props.put(SliverEvents.REASON, reason);
        String requestId = requestId(cause);
        if (requestId != null) {
            props.put(SliverEvents.REQUEST_ID, requestId);
        }
        return new Event(SliverEvents.SLIVER_FAILED, props);
    }

    private static List<String> adminKeys(Event event, String shown) {
        Object raw = event.getProperty(SliverEvents.ADMIN_KEYS);
        if (raw == null) {
            throw new InvalidSliverRequestException(shown, "event " + event.getTopic() + " has no " + SliverEvents.ADMIN_KEYS);
        }
        List<String> keys = new ArrayList<>();
        if (raw instanceof String[]) {
            keys.addAll(List.of((String[]) raw));
        } else if (raw instanceof Collection<?>) {
            for (Object key : (Collection<?>) raw) {
                keys.add(text(shown, key, SliverEvents.ADMIN_KEYS));
            }
        } else if (raw instanceof String) {
            keys.addAll(((String) raw).lines().toList());
        } else {
            throw new InvalidSliverRequestException(shown, SliverEvents.ADMIN_KEYS + " must be a String[] or a collection of String");
        }
        keys.removeIf(key -> key == null || key.isBlank());
        if (keys.isEmpty()) {
            throw new InvalidSliverRequestException(shown, SliverEvents.ADMIN_KEYS + " holds no key");
        }
        return keys;
    }

    private static String text(String shown, Object value, String property) {
        if (!(value instanceof String)) {
            throw new InvalidSliverRequestException(shown, property + " must be a String");
        }
        return (String) value;
    }
}
