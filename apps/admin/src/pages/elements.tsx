import { change, type ElementRow, get } from '../api';
import { Badge, ErrorNote, useAction, useCanChange, useLoad } from '../ui';

export function ElementsPage() {
  const canChange = useCanChange();
  const elements = useLoad(() => get<ElementRow[]>('/elements'), 'elements');
  const action = useAction();
  const setActive = (e: ElementRow, active: boolean) => action.run(() => change(active ? 'PUT' : 'DELETE', `/elements/${encodeURIComponent(e.key)}/active`), elements.reload);
  return (
    <section>
      <h1>Element catalog</h1>
      <p className="hint">A deactivated element cannot be provisioned (409); its existing instances keep working.</p>
      <ErrorNote error={action.error ?? elements.error} />
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Key</th>
            <th>Name</th>
            <th>State</th>
            {canChange && <th />}
          </tr>
        </thead>
        <tbody>
          {elements.data?.map((e) => (
            <tr key={e.id}>
              <td>{e.id}</td>
              <td>
                <code>{e.key}</code>
              </td>
              <td>{e.name}</td>
              <td>{e.active ? <Badge kind="ok">active</Badge> : <Badge kind="off">inactive</Badge>}</td>
              {canChange && (
                <td>
                  <button type="button" disabled={action.busy} onClick={() => void setActive(e, !e.active)}>
                    {e.active ? 'Deactivate' : 'Activate'}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
