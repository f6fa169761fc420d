import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

// The referee for Flyway's checksum: Flyway's ChecksumCalculator.calculateChecksumForResource as
// Flyway publishes it, run on the JDK's own BufferedReader (its line splitting) and CRC32.
// Usage: java FlywayChecksum.java FILE...  prints one signed checksum per line.
public class FlywayChecksum {
    public static void main(String[] args) throws Exception {
        for (String path : args) {
            CRC32 crc32 = new CRC32();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(new FileInputStream(path), StandardCharsets.UTF_8), 4096)) {
                String line = reader.readLine();
                if (line != null) {
                    if (!line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1); // BomFilter.FilterBomFromString
                    do {
                        crc32.update(line.getBytes(StandardCharsets.UTF_8));
                    } while ((line = reader.readLine()) != null);
                }
            }
            System.out.println((int) crc32.getValue());
        }
    }
}
