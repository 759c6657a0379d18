package eu.confine.oob.api;

import java.util.List;
import java.util.Optional;

/** The store of {@link SliverRecord}s; each write is atomic, so a crash leaves the old or the new record. */
public interface SliverRecords {

    Optional<SliverRecord> find(SliceId sliceId);

    /** Every record, in slice-id order. */
    List<SliverRecord> all();

    void save(SliverRecord record);

    void delete(SliceId sliceId);
}
