/** Following the testbed registry: the state of the sync, as operators see it. */
@Export
@Version("1.0.0")
package eu.confine.oob.api.registry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
