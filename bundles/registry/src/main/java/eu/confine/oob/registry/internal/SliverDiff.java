package eu.confine.oob.registry.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;

/**
 * Compares the slivers the registry wants with the slivers deployed here (the records) and says which
 * lifecycle events bring the node in step: a pure function, so every rule is unit-tested.
 *
 * <ul>
 * <li>wanted, not deployed, container present → DEPLOYED; container missing → a note (deployed when it exists);</li>
 * <li>wanted and deployed with another set of keys → KEYS_CHANGED;</li>
 * <li>wanted but no admin has an acceptable key → REMOVED if deployed (KEYS_CHANGED cannot empty a key file:
 *     the keys bundle keeps the old keys when none is valid), else not deployed;</li>
 * <li>deployed, not wanted → REMOVED;</li>
 * <li>a sliver being removed (REMOVING) is left alone until it is cleaned.</li>
 * </ul>
 * Removals happen only when allowed (after a complete, successful read of the registry).
 */
final class SliverDiff {

    /**
     * @param changes the events to post, in slice order within desired order
     * @param notes   one line per sliver not in step that no event can fix now
     */
    record Plan(List<Change> changes, List<String> notes) {
        Plan {
            changes = List.copyOf(changes);
            notes = List.copyOf(notes);
        }
    }

    private SliverDiff() {
    }

    static Plan plan(Map<SliceId, DesiredSliver> desired, List<SliverRecord> records, boolean removals,
                     Predicate<String> containerExists) {
        List<Change> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<SliceId> handled = new HashSet<>();
        for (DesiredSliver sliver : desired.values()) {
            SliceId sliceId = sliver.sliceId();
            handled.add(sliceId);
            Optional<SliverRecord> record = records.stream().filter(r -> r.sliceId().equals(sliceId)).findFirst();
            if (record.isPresent() && record.get().phase() == SliverRecord.Phase.REMOVING) {
                notes.add("slice " + sliceId + ": being removed; deployed again once cleaned");
            } else if (sliver.keys().isEmpty()) {
                if (record.isEmpty()) {
                    notes.add("slice " + sliceId + ": no admin has an acceptable SSH key; not deployed");
                } else if (removals) {
                    changes.add(Change.remove(sliceId, "no admin has an acceptable SSH key any more"));
                } else {
                    notes.add("slice " + sliceId + ": no admin has an acceptable SSH key; removed once the registry answers");
                }
            } else if (record.isEmpty()) {
                if (containerExists.test(sliver.container())) {
                    changes.add(Change.deploy(sliver));
                } else {
                    notes.add("slice " + sliceId + ": container " + sliver.container() + " does not exist yet; deployed when it does");
                }
            } else {
                SliverRecord deployed = record.get();
                if (!Set.copyOf(deployed.adminKeys()).equals(Set.copyOf(sliver.keys()))) {
                    changes.add(Change.keys(sliver, "admin keys changed in the registry"));
                }
                if (!deployed.container().equals(sliver.container())) {
                    notes.add("slice " + sliceId + ": deployed with container " + deployed.container() + ", the registry gives "
                            + sliver.container() + "; remove and deploy it to change");
                }
            }
        }
        for (SliverRecord record : records) {
            if (!handled.contains(record.sliceId()) && record.phase() != SliverRecord.Phase.REMOVING) {
                if (removals) {
                    changes.add(Change.remove(record.sliceId(), "not in the registry for this node any more"));
                } else {
                    notes.add("slice " + record.sliceId() + ": not in the last registry state; removed once the registry answers");
                }
            }
        }
        return new Plan(changes, notes);
    }
}
