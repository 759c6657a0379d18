/** The confine-oob event contract, slice ids, sliver records and the services the bundles share. */
@Export
@Version("1.2.0")
package eu.confine.oob.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
