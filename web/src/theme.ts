import { createTheme } from "@mantine/core";

// Shade 8 as the filled and link colour: Mantine's default shade 6 gives white text and blue
// links about 3.6:1 against their background, below WCAG AA's 4.5:1 for body text.
export const theme = createTheme({
  primaryColor: "blue",
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "md",
  components: {
    // A light alert writes its title and text in the colour's shade 8 on its tint: green,
    // orange and red fall to 3-4:1. The tint and the border carry the colour; the words stay
    // in the body text colour.
    // A plain object, not Alert.extend: this module is read by the server layout, where Mantine's
    // components are client references without their static methods.
    Alert: {
      styles: { title: { color: "var(--mantine-color-text)" }, message: { color: "var(--mantine-color-text)" } },
    },
  },
});
