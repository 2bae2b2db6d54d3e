package health.ductcare.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** A body-temperature observation; {@code ucumUnit} is "Cel" or "[degF]". */
public record TemperatureInput(
        String reference,
        List<Code> codes,
        Instant effective,
        BigDecimal value,
        String ucumUnit,
        String status) {

    public TemperatureInput {
        codes = codes == null ? List.of() : List.copyOf(codes);
    }
}
