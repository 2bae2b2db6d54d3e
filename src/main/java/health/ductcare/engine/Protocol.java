package health.ductcare.engine;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The care protocol with every rule value; built from the FHIR protocol bundle, never from constants. */
public record Protocol(
        String url,
        String version,
        String title,
        String variant,
        Duration startWithin,
        Duration antibioticLeadTime,
        BigDecimal feverThresholdCelsius,
        Duration feverLookBack,
        ClinicHours clinicHours,
        FollowUp followUp,
        List<SessionStep> steps,
        List<HomeStep> homeSteps,
        ProtocolCodeSets codes) {

    public Protocol {
        steps = List.copyOf(steps);
        homeSteps = List.copyOf(homeSteps);
    }

    /** {@code url|version}, as used by instantiatesCanonical. */
    public String canonical() {
        return url + "|" + version;
    }

    public List<SessionStep> steps(StepRelation relation) {
        return steps.stream().filter(s -> s.relation() == relation).toList();
    }

    public Protocol withVersion(String newVersion) {
        return new Protocol(url, newVersion, title, variant, startWithin, antibioticLeadTime, feverThresholdCelsius,
                feverLookBack, clinicHours, followUp, steps, homeSteps, codes);
    }

    public Protocol withClinicHours(ClinicHours hours) {
        return new Protocol(url, version, title, variant, startWithin, antibioticLeadTime, feverThresholdCelsius,
                feverLookBack, hours, followUp, steps, homeSteps, codes);
    }

    public Protocol withFollowUp(FollowUp newFollowUp) {
        return new Protocol(url, version, title, variant, startWithin, antibioticLeadTime, feverThresholdCelsius,
                feverLookBack, clinicHours, newFollowUp, steps, homeSteps, codes);
    }

    public Protocol withStepDurations(Map<String, Duration> durations) {
        return withSteps(s -> durations.containsKey(s.id()) ? s.withDuration(durations.get(s.id())) : s);
    }

    public Protocol withSteps(UnaryOperator<SessionStep> change) {
        return new Protocol(url, version, title, variant, startWithin, antibioticLeadTime, feverThresholdCelsius,
                feverLookBack, clinicHours, followUp, steps.stream().map(change).toList(), homeSteps, codes);
    }
}
