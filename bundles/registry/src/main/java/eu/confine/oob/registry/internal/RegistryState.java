package eu.confine.oob.registry.internal;

import java.net.URI;
import java.util.List;
import java.util.Set;

import eu.confine.oob.api.SliceId;

/**
 * What one complete read of the registry found for this node: the slivers it should run with their
 * admins' tokens, notes on slivers it should not run (expired, only registered), and every resource read.
 *
 * @param slivers   the slivers to run
 * @param notes     one line per sliver of the node left out, and why
 * @param resources every resource read
 */
record RegistryState(List<Sliver> slivers, List<String> notes, Set<URI> resources) {

    RegistryState {
        slivers = List.copyOf(slivers);
        notes = List.copyOf(notes);
        resources = Set.copyOf(resources);
    }

    /**
     * A sliver the node should run.
     *
     * @param sliceId   the node-side slice id
     * @param container its container name
     * @param tokens    the auth tokens of the slice's active admins, in user order
     */
    record Sliver(SliceId sliceId, String container, List<Token> tokens) {
        Sliver {
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * One auth token of an admin.
     *
     * @param user  the user resource it belongs to
     * @param value the token as the registry gives it
     */
    record Token(URI user, String value) {
    }
}
