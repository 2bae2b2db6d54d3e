package health.ductcare.engine;

import static health.ductcare.engine.EngineFixtures.AMBIGUOUS_LACTATION;
import static health.ductcare.engine.EngineFixtures.diagnosis;
import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.testsupport.Fhir;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** O92.79 counts as a blocked duct only with text that affirms one: a negated mention does not. */
class CorroborationTest {

    private static final Protocol PROTOCOL = Fhir.defaultProtocol().protocol();
    private static final Instant T0 = Instant.parse("2025-01-15T10:00:00Z");

    private static PlanDecision plan(String text) {
        return CarePlanEngine.plan(PlanInput.of(diagnosis(List.of(AMBIGUOUS_LACTATION), text, T0)), PROTOCOL,
                T0.plus(Duration.ofHours(1)));
    }

    private static List<NoteCode> noteCodes(PlanDecision decision) {
        return decision.notes().stream().map(PlanNote::code).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"no blocked duct", "Blocked duct ruled out", "not a plugged duct",
            "Engorgement; no blocked milk duct"})
    void aNegatedMentionLeavesTheAmbiguousCodeUncorroborated(String text) {
        PlanDecision decision = plan(text);

        assertThat(decision).isInstanceOf(PlanDecision.NotEligible.class);
        assertThat(noteCodes(decision)).contains(NoteCode.AMBIGUOUS_UNCORROBORATED);
        assertThat(decision.notes()).filteredOn(n -> n.code() == NoteCode.AMBIGUOUS_UNCORROBORATED)
                .singleElement().satisfies(note -> assertThat(note.text()).contains("negated"));
    }

    @Test
    void anAffirmedMentionNextToANegatedOneCorroborates() {
        PlanDecision decision = plan("No blocked duct on the right; plugged duct on the left");

        assertThat(decision).isInstanceOf(PlanDecision.Scheduled.class);
        assertThat(decision.notes()).filteredOn(n -> n.code() == NoteCode.AMBIGUOUS_CORROBORATED)
                .singleElement().satisfies(note -> assertThat(note.text()).contains("plugged duct"));
    }
}
