package health.ductcare.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine stays a pure function: no FHIR, framework, clock, randomness or I/O. */
class EnginePurityTest {

    private static final List<String> FORBIDDEN = List.of("import ca.uhn.", "import org.hl7.", "import jakarta.",
            "import javax.", "import io.quarkus.", "import java.io.", "import java.nio.", "import java.net.",
            "import java.time.Clock", "Instant.now(", "LocalDateTime.now(", "ZonedDateTime.now(", "System.currentTimeMillis",
            "new Random", "Math.random", "UUID.randomUUID");

    @Test
    void engineSourcesUseNoFhirFrameworkClockRandomnessOrIo() throws IOException {
        Path engine = Path.of("src/main/java/health/ductcare/engine");
        try (Stream<Path> files = Files.list(engine)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                String text = Files.readString(source);
                assertThat(FORBIDDEN).as(source.toString()).noneMatch(text::contains);
            }
        }
    }
}
