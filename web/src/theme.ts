import { createTheme } from "@mantine/core";

// Shade 8 as the filled and link colour: Mantine's default shade 6 gives white text and blue
// links about 3.6:1 against their background, below WCAG AA's 4.5:1 for body text.
export const theme = createTheme({
  primaryColor: "blue",
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "md",
});
