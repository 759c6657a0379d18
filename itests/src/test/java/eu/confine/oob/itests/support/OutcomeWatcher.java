package eu.confine.oob.itests.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import eu.confine.oob.api.SliverEvents;

/**
 * Catches the outcome events ({@code confine/oob/sliver/*}) of one request id: open it before
 * posting the request, {@link #await} after, close it when done.
 */
public final class OutcomeWatcher implements EventHandler, AutoCloseable {

    /** Every outcome topic: READY, FAILED, CLEANED. */
    public static final String OUTCOME_TOPICS = "confine/oob/sliver/*";

    private final String requestId;
    private final BlockingQueue<Event> outcomes = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private ServiceRegistration<EventHandler> registration;

    private OutcomeWatcher(String requestId) {
        this.requestId = requestId;
    }

    /** Starts listening for the outcomes of {@code requestId}; Event Admin sees the handler on return. */
    public static OutcomeWatcher open(BundleContext context, String requestId) {
        OutcomeWatcher watcher = new OutcomeWatcher(requestId);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {OUTCOME_TOPICS});
        props.put(EventConstants.EVENT_FILTER, "(" + SliverEvents.REQUEST_ID + "=" + escape(requestId) + ")");
        watcher.registration = context.registerService(EventHandler.class, watcher, props);
        return watcher;
    }

    public String requestId() {
        return requestId;
    }

    @Override
    public void handleEvent(Event event) {
        outcomes.add(event);
    }

    /**
     * The next outcome event of the request.
     *
     * @throws AssertionError if none arrives in time, naming the request and the outcomes seen so far
     */
    public Event await(Duration timeout) {
        Event event;
        try {
            event = outcomes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the outcome of request " + requestId, e);
        }
        if (event == null) {
            throw new AssertionError("no outcome event (" + OUTCOME_TOPICS + ") for request " + requestId + " within "
                    + timeout.toSeconds() + " s; earlier outcomes: " + describe(seen));
        }
        seen.add(event);
        return event;
    }

    /** Every outcome event that arrived and was not yet returned by {@link #await}, without waiting. */
    public List<Event> drain() {
        List<Event> rest = new ArrayList<>();
        outcomes.drainTo(rest);
        seen.addAll(rest);
        return rest;
    }

    @Override
    public void close() {
        ServiceRegistration<EventHandler> current = registration;
        registration = null;
        if (current != null) {
            try {
                current.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework stopped or the probe bundle went first: nothing left to unregister
            }
        }
    }

    /** An event as one line: topic and properties. */
    public static String describe(Event event) {
        StringBuilder text = new StringBuilder(event.getTopic()).append(" {");
        for (String name : event.getPropertyNames()) {
            if (!EventConstants.EVENT_TOPIC.equals(name)) {
                text.append(' ').append(name).append('=').append(event.getProperty(name));
            }
        }
        return text.append(" }").toString();
    }

    private static String describe(List<Event> events) {
        List<String> lines = new ArrayList<>();
        events.forEach(event -> lines.add(describe(event)));
        return lines.isEmpty() ? "none" : String.join("; ", lines);
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
