package dev.papa.engine.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain line chart (Java2D): a few named series over a shared x axis, one y axis. */
public final class LinePlot {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    private record Series(String name, double[] x, double[] y) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private Double yMin;
    private Double yMax;

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LinePlot add(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + " has " + x.length + " x and " + y.length + " y values");
        }
        series.add(new Series(name, x, y));
        return this;
    }

    public LinePlot yRange(double min, double max) {
        yMin = min;
        yMax = max;
        return this;
    }

    public BufferedImage render(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 60;
        int right = width - 20;
        int top = 40;
        int bottom = height - 50;
        double x0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        double y0 = Double.MAX_VALUE;
        double y1 = -Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.y[i])) {
                    x0 = Math.min(x0, s.x[i]);
                    x1 = Math.max(x1, s.x[i]);
                    y0 = Math.min(y0, s.y[i]);
                    y1 = Math.max(y1, s.y[i]);
                }
            }
        }
        if (yMin != null) {
            y0 = yMin;
            y1 = yMax;
        }
        if (!(x1 > x0)) {
            x1 = x0 + 1;
        }
        if (!(y1 > y0)) {
            y1 = y0 + 1;
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, right - left, bottom - top);
        double yStep = tickStep(y0, y1);
        for (double yv : ticks(y0, y1, yStep)) {
            int py = bottom - (int) ((yv - y0) / (y1 - y0) * (bottom - top));
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, py, right - 1, py);
            g.setColor(Color.BLACK);
            g.drawString(format(yv, yStep), 8, py + 4);
        }
        double xStep = tickStep(x0, x1);
        for (double xv : ticks(x0, x1, xStep)) {
            int px = left + (int) ((xv - x0) / (x1 - x0) * (right - left));
            g.drawLine(px, bottom, px, bottom + 3);
            g.drawString(format(xv, xStep), px - 10, bottom + 16);
        }
        g.drawString(xLabel, (left + right) / 2 - 30, height - 12);
        g.drawString(yLabel, 8, top - 6);
        int legendY = top + 16;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.y[i])) {
                    continue;
                }
                int px = left + (int) ((s.x[i] - x0) / (x1 - x0) * (right - left));
                int py = bottom - (int) ((s.y[i] - y0) / (y1 - y0) * (bottom - top));
                g.fillOval(px - 3, py - 3, 6, 6);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                prevX = px;
                prevY = py;
            }
            g.drawLine(right - 150, legendY - 4, right - 130, legendY - 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name, right - 125, legendY);
            legendY += 16;
        }
        g.dispose();
        return image;
    }

    /** About five ticks across [from, to], a step of 1, 2 or 5 times a power of ten (so rounds get whole numbers). */
    static double tickStep(double from, double to) {
        double raw = (to - from) / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double multiple : new double[] {1, 2, 5}) {
            if (multiple * power >= raw) {
                return multiple * power;
            }
        }
        return 10 * power;
    }

    static List<Double> ticks(double from, double to, double step) {
        List<Double> values = new ArrayList<>();
        for (long k = (long) Math.ceil(from / step - 1e-9); k * step <= to + step * 1e-9; k++) {
            values.add(k * step);
        }
        return values;
    }

    private static String format(double v, double step) {
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
