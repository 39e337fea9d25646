/**
 * The Bicep text reader the template tests rely on: braces, colons and keywords inside comments and
 * strings (interpolations included) never count.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bicepParams, bicepResources, maskBicep, objectKeys, propertyOf } from "./bicep-text";

const SAMPLE = `// param commented string
/* resource nope 'Microsoft.Web/sites@2024-04-01' = { } */
@description('Has a } brace and a // slash')
@allowed([
  'a'
  'b'
])
param choice string = 'a'

param bare int

@sys.description('''multi
line''')
param multi bool = true

resource config 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    PLAIN: 'x'
    'quoted-key': '\${join(['a', 'b}'], ',')}'
    NESTED: {
      INNER: 1
    }
    // COMMENTED: 'no'
    LAST: concat('{', '}')
  }
}
`;

describe("reading Bicep as text", () => {
  it("masks comments and string contents but keeps positions and quotes", () => {
    const masked = maskBicep("x = 'a{b}' // c {\n");
    assert.equal(masked.length, "x = 'a{b}' // c {\n".length);
    assert.equal(masked, `x = '${" ".repeat(4)}'${" ".repeat(7)}\n`);
  });

  it("masks interpolations with nested strings and braces", () => {
    const text = "v: '${f('}')}' }";
    assert.equal(maskBicep(text).indexOf("}"), text.length - 1);
  });

  it("refuses an unterminated string rather than guessing", () => {
    assert.throws(() => maskBicep("x = 'open\n"), /unterminated string at line 1/);
  });

  it("finds params with their decorators, multi-line ones included, and whether they have defaults", () => {
    assert.deepEqual(bicepParams(SAMPLE), [
      {
        name: "choice",
        type: "string",
        decorators: ["description", "allowed"],
        description: "Has a } brace and a // slash",
        hasDefault: true,
      },
      { name: "bare", type: "int", decorators: [], hasDefault: false },
      { name: "multi", type: "bool", decorators: ["description"], hasDefault: true },
    ]);
  });

  it("finds resources outside comments, and the top-level keys of their properties", () => {
    const resources = bicepResources(SAMPLE);
    assert.deepEqual(
      resources.map((r) => [r.symbol, r.type, r.apiVersion]),
      [["config", "Microsoft.Web/sites/config", "2024-04-01"]],
    );
    const [config] = resources;
    assert.equal(propertyOf(SAMPLE, config!.bodyStart, config!.bodyEnd, "name"), "'appsettings'");
    const properties = propertyOf(SAMPLE, config!.bodyStart, config!.bodyEnd, "properties")!;
    assert.deepEqual(objectKeys(properties), ["PLAIN", "quoted-key", "NESTED", "LAST"]);
  });
});
