package health.ductcare.protocol;

import health.ductcare.engine.ClinicHours;
import health.ductcare.engine.Protocol;
import health.ductcare.engine.SessionStep;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.TimeType;

/**
 * Applies local overrides. When a value really changes, the version becomes
 * {@code <file version>+local.<8 hex of SHA-256 over the changes>} so that a plan states exactly what made it.
 */
final class ProtocolOverrider {

    private ProtocolOverrider() {
    }

    static Protocol apply(String source, Protocol base, ProtocolOverrides overrides) {
        if (overrides == null) {
            return base;
        }
        Map<String, String> changes = new TreeMap<>();
        Map<String, SessionStep> steps = base.steps().stream()
                .collect(Collectors.toMap(SessionStep::id, s -> s));
        overrides.stepDurations().forEach((id, duration) -> {
            SessionStep step = steps.get(id);
            if (step == null) {
                throw new ProtocolException(source, "override for unknown step '" + id + "'; steps are " + steps.keySet());
            }
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new ProtocolException(source, "override for step '" + id + "' must be a positive duration");
            }
            if (!duration.equals(step.duration())) {
                changes.put("step." + id, duration.toString());
            }
        });
        ClinicHours hours = base.clinicHours();
        ClinicHours wanted = new ClinicHours(
                overrides.opens() != null ? overrides.opens() : hours.opens(),
                overrides.closes() != null ? overrides.closes() : hours.closes(),
                hours.days(),
                overrides.clinicZone() != null ? overrides.clinicZone() : hours.zone());
        if (!wanted.opens().equals(hours.opens())) {
            changes.put("clinic.opens", wanted.opens().toString());
        }
        if (!wanted.closes().equals(hours.closes())) {
            changes.put("clinic.closes", wanted.closes().toString());
        }
        if (!wanted.zone().equals(hours.zone())) {
            changes.put("clinic.zone", wanted.zone().getId());
        }
        if (changes.isEmpty()) {
            return base;
        }
        return base.withStepDurations(overrides.stepDurations()).withClinicHours(wanted)
                .withVersion(base.version() + "+local." + fingerprint(changes));
    }

    private static String fingerprint(Map<String, String> changes) {
        String canonical = changes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(";"));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of the PlanDefinition that states the overridden values, so that it matches the protocol version. */
    static PlanDefinition applyToPlanDefinition(PlanDefinition original, Protocol protocol) {
        PlanDefinition pd = original.copy();
        if (protocol.version().equals(original.getVersion())) {
            return pd;
        }
        pd.setVersion(protocol.version());
        Extension hours = pd.getExtensionByUrl(ProtocolExtensions.CLINIC_HOURS);
        hours.getExtensionByUrl("opens").setValue(new TimeType(protocol.clinicHours().opens().toString() + ":00"));
        hours.getExtensionByUrl("closes").setValue(new TimeType(protocol.clinicHours().closes().toString() + ":00"));
        hours.getExtensionByUrl("timezone").setValue(new org.hl7.fhir.r4.model.CodeType(protocol.clinicHours().zone().getId()));
        Map<String, Duration> durations = protocol.steps().stream()
                .collect(Collectors.toMap(SessionStep::id, SessionStep::duration));
        setDurations(pd.getAction(), durations);
        return pd;
    }

    private static void setDurations(List<PlanDefinitionActionComponent> actions, Map<String, Duration> durations) {
        for (PlanDefinitionActionComponent action : actions) {
            Duration d = durations.get(action.getId());
            if (d != null) {
                action.setTiming(FhirDurations.toFhir(d));
            }
            setDurations(action.getAction(), durations);
        }
    }
}
