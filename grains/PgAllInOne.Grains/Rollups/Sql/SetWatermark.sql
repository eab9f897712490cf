INSERT INTO rollup_watermark (source, watermark) VALUES ($1, $2)
ON CONFLICT (source) DO UPDATE SET watermark = GREATEST(rollup_watermark.watermark, excluded.watermark)
