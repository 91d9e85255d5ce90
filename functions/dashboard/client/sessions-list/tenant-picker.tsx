import { useState } from 'preact/hooks';
import { Button } from '../ui/button.tsx';

/** MASTER only: which tenant's sessions the list shows (the API's `?tenantId=`). */
export function TenantPicker({
  tenant,
  onChange,
}: {
  readonly tenant: string;
  readonly onChange: (tenant: string) => void;
}) {
  const [value, setValue] = useState(tenant);
  return (
    <form
      class="inline-form"
      aria-label="Choose a tenant"
      onSubmit={(e) => {
        e.preventDefault();
        const next = value.trim();
        if (next) onChange(next);
      }}
    >
      <label for="tenant-picker">Tenant (MASTER sees every tenant)</label>
      <input
        id="tenant-picker"
        name="tenant"
        value={value}
        maxLength={64}
        pattern="[A-Za-z0-9_\-]{1,64}"
        autocomplete="off"
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <Button type="submit">Show tenant</Button>
    </form>
  );
}
