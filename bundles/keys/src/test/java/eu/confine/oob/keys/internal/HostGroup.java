package eu.confine.oob.keys.internal;

import java.util.UUID;

import org.junit.rules.ExternalResource;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.host.HostCommand;

/** A real host group named after a fresh test slice, removed afterwards. */
final class HostGroup extends ExternalResource {

    private final SliceId sliceId = SliceId.of("ooktest" + UUID.randomUUID().toString().substring(0, 8));

    @Override
    protected void before() {
        HostCommand.of("groupadd", sliceId.userName()).check();
    }

    @Override
    protected void after() {
        HostCommand.of("groupdel", sliceId.userName()).check();
    }

    SliceId sliceId() {
        return sliceId;
    }
}
