package eu.confine.oob.registry.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.AdminKeyPolicy;
import eu.confine.oob.api.SliceId;

/**
 * Turns the admins' auth tokens into the key lines of each sliver: only lines that look like SSH
 * public keys (other token kinds are ignored), and of those only the ones the node's key policy
 * accepts, each refusal logged once. A sliver whose admins have no acceptable key gets no keys.
 */
final class KeySelection {

    private static final Logger LOG = LoggerFactory.getLogger(KeySelection.class);
    /** A key type word followed by a base64 key blob (every OpenSSH blob starts with "AAAA"). */
    private static final Pattern SSH_KEY = Pattern.compile("(^|.*\\s)(ssh-|ecdsa-|sk-)[a-z0-9@.-]+\\s+AAAA[A-Za-z0-9+/]+={0,3}(\\s.*)?");

    private final AdminKeyPolicy policy;
    private Set<String> warned = new HashSet<>();

    KeySelection(AdminKeyPolicy policy) {
        this.policy = policy;
    }

    /** The desired slivers of a registry state, by slice id, in registry order. */
    Map<SliceId, DesiredSliver> select(RegistryState state) {
        Set<String> warnings = new HashSet<>();
        Map<SliceId, DesiredSliver> desired = new LinkedHashMap<>();
        for (RegistryState.Sliver sliver : state.slivers()) {
            Set<String> keys = new LinkedHashSet<>();
            for (RegistryState.Token token : sliver.tokens()) {
                for (String line : token.value().split("\r?\n|\r")) {
                    String key = line.strip();
                    if (!keys.contains(key) && SSH_KEY.matcher(key).matches() && accepted(sliver.sliceId(), token, key, warnings)) {
                        keys.add(key);
                    }
                }
            }
            desired.put(sliver.sliceId(), new DesiredSliver(sliver.sliceId(), sliver.container(), new ArrayList<>(keys)));
        }
        warned = warnings;
        return desired;
    }

    private boolean accepted(SliceId sliceId, RegistryState.Token token, String key, Set<String> warnings) {
        List<String> rejected = policy.check(sliceId, List.of(key)).rejected();
        if (rejected.isEmpty()) {
            return true;
        }
        String warning = "slice " + sliceId + ": key of " + token.user() + " refused: " + String.join("; ", rejected);
        warnings.add(warning);
        if (!warned.contains(warning)) {
            LOG.warn("{}", warning);
        }
        return false;
    }
}
