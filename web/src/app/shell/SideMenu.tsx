// The side menu built from the registry: grouped, and only what the user's permissions allow.
import { Menu, type MenuProps } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { MENU_GROUPS, registry } from '../registry';
import { useCan } from '../session';

export function SideMenu({ collapsed }: { collapsed: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  const visible = useMemo(() => registry.menu.filter((m) => can(m.permission)), [can]);
  const items = useMemo<MenuProps['items']>(() => {
    const out: NonNullable<MenuProps['items']> = [];
    for (const g of MENU_GROUPS) {
      const mine = visible.filter((m) => m.group === g.key);
      if (mine.length === 0) continue;
      const children = mine.map((m) => ({
        key: m.path,
        icon: g.key === 'home' ? (m.icon ?? g.icon) : m.icon,
        label: t(m.label),
      }));
      if (g.key === 'home') out.push(...children);
      else
        out.push({ key: `group:${g.key}`, icon: g.icon, label: t(`common:menuGroups.${g.key}`), children });
    }
    return out;
  }, [visible, t]);

  const selected = useMemo(() => {
    const match = visible
      .filter((m) =>
        m.path === '/' ? pathname === '/' : pathname === m.path || pathname.startsWith(`${m.path}/`),
      )
      .sort((a, b) => b.path.length - a.path.length)[0];
    return match ? [match.path] : [];
  }, [visible, pathname]);

  const [openKeys, setOpenKeys] = useState<string[]>(() => MENU_GROUPS.map((g) => `group:${g.key}`));

  return (
    <Menu
      theme="dark"
      mode="inline"
      items={items}
      selectedKeys={selected}
      openKeys={collapsed ? undefined : openKeys}
      onOpenChange={setOpenKeys}
      onClick={(e) => navigate(e.key)}
      style={{ borderInlineEnd: 0 }}
      data-testid="side-menu"
    />
  );
}
