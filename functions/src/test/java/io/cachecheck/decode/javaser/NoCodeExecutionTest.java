package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachecheck.decode.ReadLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader treats class names as text: it never loads, initialises or runs code of the classes a value names. */
class NoCodeExecutionTest {
    private static final ReadLimits LIMITS = ReadLimits.ofMaxBytes(1 << 20);
    /** By name only: a class literal would load the class in this test's class loader. */
    private static final String TRIPWIRE = NoCodeExecutionTest.class.getName() + "$Tripwire";

    private final JavaSerializationReader reader = new JavaSerializationReader();

    static final class Flags {
        static volatile boolean tripwireInitialised;
        static volatile boolean gadgetRan;
    }

    static class Tripwire implements Serializable {
        static {
            Flags.tripwireInitialised = true;
        }

        String note = "written elsewhere";
        int n = 3;
    }

    static class Present implements Serializable {
        String note = "renamed";
        int n = 4;
    }

    /** Deserialising it with ObjectInputStream runs its readObject: the shape of every deserialisation gadget. */
    static class Gadget implements Serializable {
        String command = "touch /tmp/pwned";

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            Flags.gadgetRan = true;
        }
    }

    @Test
    void read_neverInitialisesTheClassItNames() throws Exception {
        URL testClasses = NoCodeExecutionTest.class.getProtectionDomain().getCodeSource().getLocation();
        byte[] bytes;
        try (URLClassLoader elsewhere = new URLClassLoader(new URL[] {testClasses}, ClassLoader.getPlatformClassLoader())) {
            var constructor = Class.forName(TRIPWIRE, true, elsewhere).getDeclaredConstructor();
            constructor.setAccessible(true);
            bytes = Serialized.of(constructor.newInstance()); // initialised in that loader only
        }

        JsonNode tree = reader.read(bytes, LIMITS);

        assertThat(tree.toString()).isEqualTo("{\"n\":3,\"note\":\"written elsewhere\"}");
        assertThat(Flags.tripwireInitialised).as("the Tripwire class was initialised by the reader").isFalse();
    }

    @Test
    void read_aClassThatExistsNowhere_isRead() throws Exception {
        byte[] bytes = Serialized.of(new Present());
        String missing = NoCodeExecutionTest.class.getName() + "$Missing"; // as long as "Present": lengths stay valid
        byte[] renamed = replace(bytes, Present.class.getName(), missing);
        assertThatThrownBy(() -> Class.forName(missing)).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> new ObjectInputStream(new ByteArrayInputStream(renamed)).readObject())
                .isInstanceOf(ClassNotFoundException.class); // Java deserialisation needs the class; the reader does not

        assertThat(reader.read(renamed, LIMITS).toString()).isEqualTo("{\"n\":4,\"note\":\"renamed\"}");
    }

    @Test
    void read_neverRunsReadObject() throws Exception {
        byte[] bytes = Serialized.of(new Gadget());

        assertThat(reader.read(bytes, LIMITS).toString()).isEqualTo("{\"command\":\"touch /tmp/pwned\"}");
        assertThat(Flags.gadgetRan).isFalse();

        new ObjectInputStream(new ByteArrayInputStream(bytes)).readObject(); // the control: real deserialisation runs it
        assertThat(Flags.gadgetRan).isTrue();
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        byte[] out = bytes.clone();
        int found = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (java.util.Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                found++;
            }
        }
        assertThat(found).isEqualTo(1);
        return out;
    }
}
