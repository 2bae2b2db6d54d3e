package health.ductcare.protocol;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The protocols the service knows, loaded and checked once at start-up: a bad protocol file stops start-up
 * with the loader's message. The active one makes every automatic CarePlan; all are served read-only and can
 * be applied with {@code PlanDefinition/{id}/$apply}.
 */
@Startup
@Singleton
public class ProtocolService {

    private static final Logger LOG = Logger.getLogger(ProtocolService.class);
    private static final Map<String, String> SHIPPED = Map.of(
            "standard", ProtocolLoader.DEFAULT_RESOURCE,
            "abm36", ProtocolLoader.ABM36_RESOURCE);

    private final LoadedProtocol active;
    private final ProtocolLoader loader;
    private final Map<String, LoadedProtocol> byPlanDefinitionId = new LinkedHashMap<>();

    public ProtocolService(FhirContext context, ProtocolConfig config) {
        ProtocolLoader loader = new ProtocolLoader(context);
        ProtocolOverrides overrides = new ProtocolOverrides(config.stepDurations(),
                config.clinicZone().map(ProtocolService::zone).orElse(null),
                config.opens().map(value -> time("ductcare.protocol.opens", value)).orElse(null),
                config.closes().map(value -> time("ductcare.protocol.closes", value)).orElse(null));
        LoadedProtocol chosen;
        if (config.file().isPresent()) {
            chosen = loadFile(loader, config.file().get(), overrides);
        } else {
            String resource = SHIPPED.get(config.variant());
            if (resource == null) {
                throw new ProtocolException("ductcare.protocol.variant",
                        "must be one of " + SHIPPED.keySet() + ", not '" + config.variant() + "'");
            }
            chosen = loader.loadResource(resource, overrides);
        }
        active = chosen;
        this.loader = loader;
        LOG.infof("Care-plan protocol %s (%s) active", active.protocol().canonical(), active.protocol().variant());
    }

    public LoadedProtocol active() {
        return active;
    }

    public Optional<LoadedProtocol> byPlanDefinitionId(String id) {
        return Optional.ofNullable(registered().get(id));
    }

    public List<LoadedProtocol> all() {
        return List.copyOf(registered().values());
    }

    /**
     * The active protocol and the other shipped ones. Those are loaded on first use (by the protocol publisher,
     * just after start-up) rather than in the constructor, which runs before the server listens; they are the
     * shipped, tested files, unlike a configured one, which must stop start-up when it is bad.
     */
    private synchronized Map<String, LoadedProtocol> registered() {
        if (byPlanDefinitionId.isEmpty()) {
            register(active);
            for (String resource : List.of(ProtocolLoader.DEFAULT_RESOURCE, ProtocolLoader.ABM36_RESOURCE)) {
                if (!resource.equals(active.source())) {
                    register(loader.loadResource(resource, ProtocolOverrides.none()));
                }
            }
        }
        return byPlanDefinitionId;
    }

    private void register(LoadedProtocol protocol) {
        byPlanDefinitionId.putIfAbsent(protocol.planDefinition().getIdElement().getIdPart(), protocol);
    }

    private static ZoneId zone(String value) {
        try {
            return ZoneId.of(value.trim());
        } catch (DateTimeException e) {
            throw new ProtocolException("ductcare.protocol.clinic-zone", "'" + value + "' is not a time zone id such as Europe/Berlin");
        }
    }

    private static LocalTime time(String key, String value) {
        try {
            return LocalTime.parse(value.trim());
        } catch (DateTimeException e) {
            throw new ProtocolException(key, "'" + value + "' is not a time such as 08:00");
        }
    }

    private static LoadedProtocol loadFile(ProtocolLoader loader, String file, ProtocolOverrides overrides) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return loader.load(file, in, overrides);
        } catch (IOException e) {
            throw new ProtocolException(file, "cannot be read: " + e.getMessage(), e);
        }
    }
}
