package eu.confine.oob.api;

import java.util.Collection;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Whether a lifecycle event would reach anyone. Event Admin drops an event no handler takes, which happens right
 * after a boot or while the bundle that owns a step is updated; a poster asks first and posts later instead of
 * losing the event.
 */
public final class TopicListeners {

    private TopicListeners() {
    }

    /** Whether an event handler registered now takes events of this topic. */
    public static boolean anyFor(BundleContext context, String topic) {
        ServiceReference<?>[] handlers;
        try {
            handlers = context.getServiceReferences(EventHandler.class.getName(), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter was given", e);
        }
        for (ServiceReference<?> handler : handlers == null ? new ServiceReference<?>[0] : handlers) {
            if (covers(handler.getProperty(EventConstants.EVENT_TOPIC), topic)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an {@code event.topics} value (String, String[] or collection, with {@code /*} wildcards) covers the topic. */
    public static boolean covers(Object topics, String topic) {
        Collection<?> patterns = topics instanceof String[] ? List.of((String[]) topics)
                : topics instanceof Collection<?> ? (Collection<?>) topics
                : topics == null ? List.of() : List.of(topics);
        for (Object pattern : patterns) {
            String text = String.valueOf(pattern);
            if (text.equals(topic) || text.equals("*")
                    || text.endsWith("/*") && topic.startsWith(text.substring(0, text.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
