export interface Reading {
  station: string;
  date: string;
  temperature_c: number | null;
}

export interface DailySummary {
  station: string;
  date: string;
  mean: number;
  readings: number;
  warm: boolean;
}

/** Drops readings without a temperature: sensors miss some. */
export function cleanReadings(readings: Reading[]): Reading[] {
  return readings.filter((reading) => typeof reading.temperature_c === 'number');
}

/** One row per station and day: the mean temperature, and whether it was warm. */
export function summarizeDays(readings: Reading[], warmThreshold: number): DailySummary[] {
  const groups = new Map<string, Reading[]>();
  for (const reading of readings) {
    const key = `${reading.station}|${reading.date}`;
    groups.set(key, [...(groups.get(key) ?? []), reading]);
  }
  return [...groups.values()].map((group) => {
    const mean = group.reduce((sum, reading) => sum + (reading.temperature_c ?? 0), 0) / group.length;
    return {
      station: group[0]!.station,
      date: group[0]!.date,
      mean: Math.round(mean * 10) / 10,
      readings: group.length,
      warm: mean >= warmThreshold,
    };
  });
}

/** A few lines for people. */
export function writeReport(summary: DailySummary[], units: string): string {
  const lines = summary.map(
    (day) => `${day.date} ${day.station}: ${day.mean} ${units}${day.warm ? ' (warm)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
