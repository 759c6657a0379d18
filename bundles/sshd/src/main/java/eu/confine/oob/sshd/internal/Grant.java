package eu.confine.oob.sshd.internal;

import java.security.PublicKey;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;

import eu.confine.oob.api.SliceId;

/**
 * What a successful public-key check grants: the slice, the key (to check it again when the keys change) and the
 * options it logged in with.
 *
 * @param sliceId     the slice logged into
 * @param key         the admin key used
 * @param fingerprint its SHA256 fingerprint
 * @param options     the options of its {@code authorized_keys} line
 */
record Grant(SliceId sliceId, PublicKey key, String fingerprint, KeyOptions options) {

    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }
}
