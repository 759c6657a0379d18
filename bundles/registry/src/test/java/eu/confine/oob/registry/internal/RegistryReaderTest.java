package eu.confine.oob.registry.internal;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import eu.confine.oob.api.SliceId;

/** Reading the fixtures of {@code src/test/resources/registry} as the follower reads the registry. */
public class RegistryReaderTest {

    private static final URI BASE = URI.create("https://registry.test/api/");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<URI, JsonNode> registry = new HashMap<>();
    private final List<URI> fetched = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private Settings settings;

    @Before
    public void loadFixtures() throws Exception {
        Path root = Path.of(getClass().getResource("/registry").toURI());
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String path = root.relativize(file).toString().replace(".json", "");
                registry.put(BASE.resolve(path), MAPPER.readTree(Files.readString(file).replace("{base}", BASE.toString())));
            }
        }
        settings = settings("{slice}");
    }

    @Test
    public void activeSliceAndGroupAdminsKeysOfEveryDeployableSliver() throws Exception {
        RegistryState state = read();

        assertEquals(2, state.slivers().size());
        RegistryState.Sliver mesh = state.slivers().get(0);
        assertEquals(SliceId.of("00000000001a"), mesh.sliceId());
        assertEquals("00000000001a", mesh.container());
        assertEquals("alice (slice admin) and bob (group admin), not carol (no admin role) nor dave (inactive)",
                List.of("users/10", "users/11", "users/11", "users/11"),
                mesh.tokens().stream().map(token -> BASE.relativize(token.user()).toString()).toList());
        assertThat(mesh.tokens().get(0).value(), startsWith("ssh-ed25519 "));

        RegistryState.Sliver digits = state.slivers().get(1);
        assertEquals("000000000042", digits.sliceId().value());
        assertEquals("slice000000000042", digits.sliceId().userName());
        assertEquals(List.of(BASE.resolve("users/14")), digits.tokens().stream().map(RegistryState.Token::user).toList());

        assertEquals(List.of("slice 00000000004d: expired on 2015-06-30, not run here",
                "slice 000000000058: set_state is register, not deployed here"), state.notes());
        assertFalse("non-admins are never fetched", fetched.contains(BASE.resolve("users/12")));
        assertEquals("each resource once, though groups/2 serves two slices", fetched.size(), state.resources().size());
        assertEquals(state.resources().size(), fetched.stream().distinct().count());
    }

    @Test
    public void keySelectionKeepsOnlySshKeysThePolicyAccepts() throws Exception {
        Map<SliceId, DesiredSliver> desired = new KeySelection(FakeNode.POLICY).select(read());

        List<String> mesh = desired.get(SliceId.of("00000000001a")).keys();
        assertEquals(2, mesh.size());
        assertThat(mesh.get(0), containsString("alice@lab"));
        assertThat(mesh.get(1), containsString("bob@lab"));
        assertThat(desired.get(SliceId.of("000000000042")).keys().get(0), startsWith("ecdsa-sha2-nistp256 "));
    }

    @Test
    public void theContainerFollowsTheTemplate() throws Exception {
        settings = settings("sliver-{slice}-{node}");
        assertEquals("sliver-00000000001a-5", read().slivers().get(0).container());
    }

    @Test
    public void aSliceExpiresAtTheEndOfItsDate() throws Exception {
        clock.advance(java.time.Duration.between(clock.instant(), Instant.parse("2099-12-31T23:59:59Z")));
        assertEquals(List.of(SliceId.of("00000000001a")), read().slivers().stream().map(RegistryState.Sliver::sliceId).toList());
        clock.advance(java.time.Duration.ofSeconds(1));
        assertEquals(List.of(), read().slivers());
    }

    @Test
    public void numericAndHexSliceIds() throws Exception {
        ObjectNode slice = (ObjectNode) registry.get(BASE.resolve("slices/26"));
        slice.put("id", "0123456789ab");
        assertEquals("0123456789ab", read().slivers().get(0).sliceId().value());
        for (String bad : List.of("\"0123456789AB\"", "\"../../etc\"", "-1", "281474976710656", "1.5", "true")) {
            slice.set("id", MAPPER.readTree(bad));
            RegistryException e = assertThrows(bad, RegistryException.class, this::read);
            assertThat(e.getMessage(), startsWith(BASE.resolve("slices/26") + ": id must be"));
        }
    }

    @Test
    public void anyMissingOrMistypedFieldFailsTheWholeRead() throws Exception {
        assertBroken("nodes/5", node -> node.remove("slivers"), "nodes/5: field 'slivers' is missing");
        assertBroken("nodes/5", node -> node.put("slivers", "none"), "nodes/5: field 'slivers' must be an array");
        assertBroken("slivers/26@5", sliver -> sliver.remove("slice"), "slivers/26@5: field 'slice' is missing");
        assertBroken("slivers/26@5", sliver -> sliver.put("set_state", "fly"), "slivers/26@5: unknown set_state 'fly'");
        assertBroken("slices/26", slice -> slice.remove("group"), "slices/26: field 'group' is missing");
        assertBroken("slices/26", slice -> slice.put("expires_on", "soon"), "slices/26: expires_on 'soon' is not an ISO date");
        assertBroken("groups/2", group -> group.remove("user_roles"), "groups/2: field 'user_roles' is missing");
        assertBroken("groups/2", group -> ((ObjectNode) group.withArray("user_roles").get(0)).remove("is_slice_admin"),
                "groups/2: field 'is_slice_admin' is missing");
        assertBroken("users/10", user -> user.put("is_active", "yes"), "users/10: field 'is_active' must be true or false");
        assertBroken("users/10", user -> user.remove("auth_tokens"), "users/10: field 'auth_tokens' is missing");
        assertBroken("users/13", user -> user.withArray("auth_tokens").add(42), "users/13: auth_tokens must hold strings");
    }

    @Test
    public void referencesOutsideTheRegistryAreRefused() throws Exception {
        for (String outside : List.of("https://evil.test/api/slices/26", "http://registry.test/api/slices/26",
                "https://registry.test:8443/api/slices/26", "https://registry.test/other/slices/26", "/api/../other/slices/26")) {
            ObjectNode sliver = (ObjectNode) registry.get(BASE.resolve("slivers/26@5"));
            ((ObjectNode) sliver.get("slice")).put("uri", outside);
            RegistryException e = assertThrows(outside, RegistryException.class, this::read);
            assertThat(e.getMessage(), containsString("is outside the registry"));
        }
    }

    @Test
    public void twoSliversOfOneSliceAreAnError() throws Exception {
        ((ObjectNode) registry.get(BASE.resolve("nodes/5"))).withArray("slivers").addObject().put("uri", BASE.resolve("slivers/26@5").toString());
        ObjectNode copy = registry.get(BASE.resolve("slivers/26@5")).deepCopy();
        registry.put(BASE.resolve("slivers/26@6"), copy);
        ((ObjectNode) registry.get(BASE.resolve("nodes/5"))).withArray("slivers").addObject().put("uri", BASE.resolve("slivers/26@6").toString());
        RegistryException e = assertThrows(RegistryException.class, this::read);
        assertThat(e.getMessage(), containsString("two slivers of slice 00000000001a"));
    }

    private void assertBroken(String path, java.util.function.Consumer<ObjectNode> breakIt, String message) throws Exception {
        JsonNode original = registry.get(BASE.resolve(path)).deepCopy();
        breakIt.accept((ObjectNode) registry.get(BASE.resolve(path)));
        RegistryException e = assertThrows(message, RegistryException.class, this::read);
        assertThat(e.getMessage(), startsWith(BASE + message));
        registry.put(BASE.resolve(path), original);
    }

    private RegistryState read() throws RegistryException, InterruptedException {
        fetched.clear();
        Resources resources = uri -> {
            fetched.add(uri);
            JsonNode json = registry.get(uri);
            if (json == null) {
                throw new RegistryException(uri + ": HTTP 404");
            }
            return json;
        };
        return new RegistryReader(resources, settings, clock).read();
    }

    private static Settings settings(String containerOf) {
        try {
            return Settings.of(new TestConfig(BASE.toString(), "5", containerOf, Files.createTempDirectory("reader").resolve("snapshot.json").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
