//! The microphone level as a bar of segments that light up with the voice.
import { useRef } from "react";
import { cn } from "@/lib/utils";
import { useAudioLevel } from "../voice/useAudioLevel";

const SEGMENTS = 12;

export function LevelMeter({ stream, label, className, compact = false }: { stream: MediaStream | null; label: string; className?: string; compact?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useAudioLevel(stream, ref);
  return (
    <div
      ref={ref}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={0}
      className={cn("flex items-end gap-0.5", compact ? "h-4" : "h-6", className)}
      style={{ "--level": 0 } as React.CSSProperties}
      data-testid="mic-level"
    >
      {Array.from({ length: SEGMENTS }, (_, i) => (
        <span
          key={i}
          className={cn("w-1.5 rounded-sm transition-opacity duration-75", i < SEGMENTS * 0.75 ? "bg-emerald-500" : i < SEGMENTS * 0.9 ? "bg-amber-500" : "bg-red-500")}
          style={{
            height: `${35 + (65 * i) / (SEGMENTS - 1)}%`,
            // Lit when the level passes this segment's threshold.
            opacity: `clamp(0.18, calc((var(--level) * ${SEGMENTS} - ${i}) * 10), 1)`,
          }}
        />
      ))}
    </div>
  );
}
