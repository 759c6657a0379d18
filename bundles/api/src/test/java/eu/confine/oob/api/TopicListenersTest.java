package eu.confine.oob.api;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

public class TopicListenersTest {

    @Test
    public void topicsAreMatchedLikeEventAdminMatchesThem() {
        assertTrue(TopicListeners.covers(new String[] {"confine/oob/*", SliverEvents.DEPLOYED}, SliverEvents.DEPLOYED));
        assertTrue(TopicListeners.covers("confine/sliver/*", SliverEvents.REMOVED));
        assertTrue(TopicListeners.covers(List.of("*"), SliverEvents.KEYS_CHANGED));
        assertFalse(TopicListeners.covers("confine/oob/sliver/*", SliverEvents.DEPLOYED));
        assertFalse(TopicListeners.covers("confine/sliver/DEPLOYEDX", SliverEvents.DEPLOYED));
        assertFalse(TopicListeners.covers(null, SliverEvents.DEPLOYED));
    }
}
