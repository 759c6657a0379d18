package eu.confine.oob.keys.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.AdminKeyPolicy;
import eu.confine.oob.api.SliceId;

/** The admin key policy as a service: {@link KeyRules}, with a warning for every rejected key. */
@Component(service = AdminKeyPolicy.class)
public class OpenSshKeyPolicy implements AdminKeyPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSshKeyPolicy.class);

    private final KeyRules rules = new KeyRules();

    @Activate
    public OpenSshKeyPolicy() {
        // nothing to configure
    }

    @Override
    public KeyCheck check(SliceId sliceId, List<String> keyLines) {
        KeyCheck check = rules.check(keyLines);
        check.rejected().forEach(reason -> LOG.warn("slice {}: admin key rejected: {}", sliceId, reason));
        return check;
    }
}
