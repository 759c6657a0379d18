package eu.confine.oob.registry.internal;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.Test;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecord.Phase;

public class SliverDiffTest {

    private static final String A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGC9OFPP alice";
    private static final String B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICnDaPxa bob";
    private static final Predicate<String> ALL_CONTAINERS = name -> true;

    @Test
    public void inStepMeansNoChangeWhateverTheKeyOrder() {
        SliverDiff.Plan plan = SliverDiff.plan(desired(sliver("00000000001a", A, B)), List.of(record("00000000001a", Phase.READY, B, A)),
                true, ALL_CONTAINERS);
        assertEquals(List.of(), plan.changes());
        assertEquals(List.of(), plan.notes());
    }

    @Test
    public void aNewSliverIsDeployedWithItsContainerAndKeys() {
        SliverDiff.Plan plan = SliverDiff.plan(desired(sliver("00000000001a", A, B)), List.of(), true, ALL_CONTAINERS);
        assertEquals(List.of(new Change("confine/sliver/DEPLOYED", SliceId.of("00000000001a"), "c-00000000001a", List.of(A, B),
                "in the registry, not deployed here")), plan.changes());
    }

    @Test
    public void aMissingContainerIsANoteNotAFailingDeployment() {
        SliverDiff.Plan plan = SliverDiff.plan(desired(sliver("00000000001a", A)), List.of(), true, name -> false);
        assertEquals(List.of(), plan.changes());
        assertEquals(List.of("slice 00000000001a: container c-00000000001a does not exist yet; deployed when it does"), plan.notes());
    }

    @Test
    public void otherKeysAreAKeysChangeAndTheContainerIsNeverChangedSilently() {
        SliverRecord deployed = new SliverRecord(SliceId.of("00000000001a"), "elsewhere", Optional.empty(), List.of(A, B), Phase.READY);
        SliverDiff.Plan plan = SliverDiff.plan(desired(sliver("00000000001a", A)), List.of(deployed), true, ALL_CONTAINERS);
        assertEquals(List.of("KEYS_CHANGED slice 00000000001a (1 key): admin keys changed in the registry"),
                plan.changes().stream().map(Change::toString).toList());
        assertEquals(1, plan.notes().size());
    }

    @Test
    public void aSliverGoneFromTheRegistryIsRemovedOnlyWhenRemovalsAreAllowed() {
        List<SliverRecord> records = List.of(record("00000000001a", Phase.READY, A), record("000000000042", Phase.DEPLOYING, B));
        SliverDiff.Plan online = SliverDiff.plan(desired(sliver("00000000001a", A)), records, true, ALL_CONTAINERS);
        assertEquals(List.of(Change.remove(SliceId.of("000000000042"), "not in the registry for this node any more")), online.changes());

        SliverDiff.Plan offline = SliverDiff.plan(desired(sliver("00000000001a", A)), records, false, ALL_CONTAINERS);
        assertEquals(List.of(), offline.changes());
        assertEquals(List.of("slice 000000000042: not in the last registry state; removed once the registry answers"), offline.notes());
    }

    @Test
    public void noAcceptableAdminKeyRemovesTheSliverBecauseAnEmptyKeySetCannotBeWritten() {
        SliverDiff.Plan deployed = SliverDiff.plan(desired(sliver("00000000001a")), List.of(record("00000000001a", Phase.READY, A)), true, ALL_CONTAINERS);
        assertEquals(List.of(Change.remove(SliceId.of("00000000001a"), "no admin has an acceptable SSH key any more")), deployed.changes());

        SliverDiff.Plan notDeployed = SliverDiff.plan(desired(sliver("00000000001a")), List.of(), true, ALL_CONTAINERS);
        assertEquals(List.of(), notDeployed.changes());
        assertEquals(List.of("slice 00000000001a: no admin has an acceptable SSH key; not deployed"), notDeployed.notes());

        SliverDiff.Plan offline = SliverDiff.plan(desired(sliver("00000000001a")), List.of(record("00000000001a", Phase.READY, A)), false, ALL_CONTAINERS);
        assertEquals(List.of(), offline.changes());
    }

    @Test
    public void aSliverBeingRemovedIsLeftAloneWantedOrNot() {
        List<SliverRecord> records = List.of(record("00000000001a", Phase.REMOVING, A), record("000000000042", Phase.REMOVING, A));
        SliverDiff.Plan plan = SliverDiff.plan(desired(sliver("00000000001a", A, B)), records, true, ALL_CONTAINERS);
        assertEquals(List.of(), plan.changes());
        assertEquals(List.of("slice 00000000001a: being removed; deployed again once cleaned"), plan.notes());
    }

    @Test
    public void sameRequestIgnoresReasonAndKeyOrderButNotTheKeys() {
        DesiredSliver one = sliver("00000000001a", A, B);
        assertEquals(true, Change.keys(one, "x").sameRequest(Change.keys(sliver("00000000001a", B, A), "y")));
        assertEquals(false, Change.keys(one, "x").sameRequest(Change.keys(sliver("00000000001a", A), "x")));
        assertEquals(false, Change.keys(one, "x").sameRequest(Change.deploy(one)));
        assertEquals(Set.of("slice.id", "request.id", "slice.admin.keys", "sliver.container", "event.topics"),
                Set.of(Change.deploy(one).event("registry-1").getPropertyNames()));
        assertEquals(Set.of("slice.id", "request.id", "event.topics"),
                Set.of(Change.remove(one.sliceId(), "x").event("registry-1").getPropertyNames()));
    }

    private static DesiredSliver sliver(String slice, String... keys) {
        return new DesiredSliver(SliceId.of(slice), "c-" + slice, List.of(keys));
    }

    private static Map<SliceId, DesiredSliver> desired(DesiredSliver... slivers) {
        Map<SliceId, DesiredSliver> map = new LinkedHashMap<>();
        for (DesiredSliver sliver : slivers) {
            map.put(sliver.sliceId(), sliver);
        }
        return map;
    }

    private static SliverRecord record(String slice, Phase phase, String... keys) {
        return new SliverRecord(SliceId.of(slice), "c-" + slice, Optional.empty(), List.of(keys), phase);
    }
}
